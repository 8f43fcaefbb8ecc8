//! all-MiniLM-L6-v2 run in-process on the CPU with candle: a 6-layer BERT whose mean-pooled,
//! normalised output is a 384-dimension sentence embedding.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use domain::agent::knowledge::embeddings::normalised;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// The model's own limit (its `max_seq_length`); longer input is truncated.
const MAX_TOKENS: usize = 256;

pub struct LocalModel {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl std::fmt::Debug for LocalModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalModel").finish_non_exhaustive()
    }
}

/// Models already loaded in this process, by folder: loading reads about 90 MB.
fn loaded() -> &'static Mutex<HashMap<PathBuf, Arc<LocalModel>>> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<LocalModel>>>> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

impl LocalModel {
    /// The model in `dir` (`config.json`, `model.safetensors`, `tokenizer.json`), loaded once
    /// per process.
    pub fn shared(dir: &Path) -> Result<Arc<LocalModel>, String> {
        let mut models = loaded()
            .lock()
            .map_err(|_| "the model cache is poisoned".to_owned())?;
        if let Some(model) = models.get(dir) {
            return Ok(model.clone());
        }
        let model = Arc::new(LocalModel::load(dir)?);
        models.insert(dir.to_path_buf(), model.clone());
        Ok(model)
    }

    fn load(dir: &Path) -> Result<LocalModel, String> {
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| {
                format!(
                    "cannot read {} ({e}); scripts/run and scripts/test unpack the model there, \
                     or set EMBEDDING_MODEL_DIR",
                    dir.join(name).display()
                )
            })
        };
        let config: Config = serde_json::from_slice(&read("config.json")?)
            .map_err(|e| format!("config.json of the embedding model: {e}"))?;
        let weights = read("model.safetensors")?;
        let vars = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
            .map_err(|e| format!("model.safetensors: {e}"))?;
        let model = BertModel::load(vars, &config).map_err(|e| format!("embedding model: {e}"))?;
        let mut tokenizer = Tokenizer::from_bytes(read("tokenizer.json")?)
            .map_err(|e| format!("tokenizer.json: {e}"))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| format!("tokenizer: {e}"))?;
        Ok(LocalModel { model, tokenizer })
    }

    /// Unit-length embeddings of `texts`, in order. CPU-bound: call it off the async runtime.
    pub fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, String> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| format!("tokenizing: {e}"))?;
        let rows = encodings.len();
        let width = encodings.first().map_or(0, |e| e.len());
        let flat = |pick: fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
            encodings.iter().flat_map(|e| pick(e).to_vec()).collect()
        };
        let tensor = |values: Vec<u32>| {
            Tensor::from_vec(values, (rows, width), &Device::Cpu)
                .map_err(|e| format!("input tensor: {e}"))
        };
        let ids = tensor(flat(|e| e.get_ids()))?;
        let type_ids = tensor(flat(|e| e.get_type_ids()))?;
        let mask = tensor(flat(|e| e.get_attention_mask()))?;
        let pooled = self
            .forward_pooled(&ids, &type_ids, &mask)
            .map_err(|e| format!("embedding model: {e}"))?;
        Ok(pooled.into_iter().map(normalised).collect())
    }

    /// Mean of the token states, counting only real (unpadded) tokens.
    fn forward_pooled(
        &self,
        ids: &Tensor,
        type_ids: &Tensor,
        mask: &Tensor,
    ) -> candle_core::Result<Vec<Vec<f32>>> {
        let states = self.model.forward(ids, type_ids, Some(mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = states.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, f32::MAX)?;
        summed.broadcast_div(&counts)?.to_vec2::<f32>()
    }
}
