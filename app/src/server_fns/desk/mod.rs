//! The desk wing's server functions (seed 001's support desk).
