pub mod charts;
pub mod layout;
pub mod notice;
pub mod pager;
