//! The desk wing's wire types (seed 001's support desk).
