//! The desk wing's pages (seed 001's support desk).
