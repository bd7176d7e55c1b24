"""Reference embeddings for all-minilm-l6-v2, computed with the reference
(Rust) tokenizer from the `tokenizers` package and Python onnxruntime on the
same cached model file. Writes services/inference/src/testdata/minilm-reference.json.

Run once (not part of CI): pip install tokenizers onnxruntime numpy;
python models/reference/minilm_embeddings.py
"""

import json
import os
import pathlib

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

MODELS = pathlib.Path(os.environ.get("NEMO_MODELS_DIR", pathlib.Path.home() / ".cache/nemo/models"))
MODEL = MODELS / "all-minilm-l6-v2"
OUT = pathlib.Path(__file__).resolve().parents[2] / "services/inference/src/testdata/minilm-reference.json"
SENTENCES = [
    "The cat sits on the mat.",
    "Kubernetes schedules pods onto nodes with free GPUs.",
    "I can't believe how wonderful this morning has been!",
]

tok = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
tok.no_padding()
tok.enable_truncation(128)
sess = ort.InferenceSession(str(MODEL / "model.onnx"), providers=["CPUExecutionProvider"])
rows = []
for text in SENTENCES:
    enc = tok.encode(text)
    ids = np.array([enc.ids], dtype=np.int64)
    mask = np.array([enc.attention_mask], dtype=np.int64)
    types = np.zeros_like(ids)
    (hidden,) = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
    m = mask[..., None].astype(np.float32)
    pooled = (hidden * m).sum(1) / m.sum(1)
    vec = pooled[0] / np.linalg.norm(pooled[0])
    rows.append({"text": text, "ids": enc.ids, "embedding": [round(float(x), 7) for x in vec]})
OUT.write_text(json.dumps({"model": "all-minilm-l6-v2", "tokenizer": "tokenizers (Rust) " + __import__("tokenizers").__version__, "onnxruntime": ort.__version__, "sentences": rows}, indent=1) + "\n")
print("wrote", OUT)
