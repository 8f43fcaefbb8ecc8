//! The desk wing's tables (seed 001's support desk).
