//! Multilingual sentence encoder (Google's multilingual Universal Sentence Encoder v3),
//! ported to Rust without an ML framework. (Being written.)
