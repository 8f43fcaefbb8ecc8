pub mod charts;
pub mod form_enhancer;
pub mod keyboard_shortcuts;
pub mod layout;
pub mod live_region;
pub mod notice;
pub mod pager;
pub mod reply_composer;
