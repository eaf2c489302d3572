"""Build a tiny but real Argos Translate package (``.argosmodel``) in about a second.

No real translation model can be downloaded on the machines this project is built on, yet the
install / load / batch-translate / cache / remove path must be exercised against a real
package. This module makes one: a SentencePiece model trained on a few dozen lines and a
one-layer CTranslate2 Transformer with small random weights. Its output is gibberish, so use it
for plumbing tests and smoke tests (``python -m portal.language.tinymodel /tmp``), never for
judging translation quality; content tests use ``engines.FakeEngine``.

The layout is exactly Argos's: one top-level folder holding ``model/`` (CTranslate2),
``sentencepiece.model`` and ``metadata.json``, zipped with the ``.argosmodel`` suffix.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

# A few dozen lines of clinical-ish English and Spanish so that the SentencePiece vocabulary
# holds real pieces for the kind of text the tests send.
TRAINING_LINES = [
    "The patient denies chest pain.",
    "Blood pressure 120/80 mmHg, heart rate 72 bpm.",
    "Take metformin 500 mg twice a day with food.",
    "Your hemoglobin A1c is 7.2 percent.",
    "Follow up in 3 months with Dr. Smith.",
    "No fever, no cough, no shortness of breath.",
    "Continue lisinopril 10 mg daily.",
    "Call the clinic if the pain gets worse.",
    "Drink plenty of water and rest.",
    "The wound is healing well.",
    "Temperature 98.6 F, weight 70 kg.",
    "Return on 01/15/2026 for a blood test.",
    "HISTORY OF PRESENT ILLNESS:",
    "ASSESSMENT AND PLAN:",
    "Vitals: BP 130/85, HR 80.",
    "She reports a mild headache since yesterday.",
    "He is allergic to penicillin.",
    "Check your blood sugar every morning.",
    "El paciente niega dolor en el pecho.",
    "Tome metformina 500 mg dos veces al día con comida.",
    "Su hemoglobina A1c es 7.2 por ciento.",
    "Regrese en 3 meses con la Dra. Smith.",
    "Sin fiebre, sin tos, sin falta de aire.",
    "Llame a la clínica si el dolor empeora.",
    "Beba mucha agua y descanse.",
    "La herida está sanando bien.",
    "Presión arterial 120/80 mmHg, frecuencia cardiaca 72.",
    "Revise su azúcar en la sangre cada mañana.",
    "Es alérgico a la penicilina.",
    "Tiene un dolor de cabeza leve desde ayer.",
    "Continúe lisinopril 10 mg al día.",
    "Peso 70 kg, temperatura 37 C.",
]



def build_tiny_argosmodel(
    dest_dir: str | Path,
    from_code: str = "en",
    to_code: str = "es",
    version: str = "0.1",
    seed: int = 1234,
    *,
    layers: int = 1,
    d_model: int = 8,
    ffn_dim: int = 16,
    heads: int = 2,
    weight_scale: float = 0.5,
    eos_bias: float = 3.0,
) -> Path:
    """Write ``translate-<from>_<to>-<version>.argosmodel`` into dest_dir and return its path.

    The same arguments always give the same weights (fixed seed), so tests are repeatable.
    The defaults give the tiny model (about 160 KB). The shape can be raised to a real Argos
    model's (layers=6, d_model=512, ffn_dim=2048, heads=8: 160 MB, about 8 s), but then
    eos_bias and weight_scale need retuning: random weights of that size gave outputs of either
    1 token or 256, so it is not used by the benchmark.
    """
    # Imported here so that importing this module costs nothing in the web process.
    import ctranslate2
    import numpy as np
    import sentencepiece as spm

    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    version_slug = version.replace(".", "_")
    package_name = f"translate-{from_code}_{to_code}-{version_slug}"

    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        package_dir = work_dir / package_name
        package_dir.mkdir()

        # 1. SentencePiece. hard_vocab_limit=False lets a tiny corpus yield fewer pieces than
        # asked for instead of failing. Default ids: 0 <unk>, 1 <s>, 2 </s>, which are the
        # special tokens CTranslate2 expects by name.
        corpus = work_dir / "corpus.txt"
        corpus.write_text("\n".join(TRAINING_LINES) + "\n", encoding="utf-8")
        sp_prefix = work_dir / "sp"
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(sp_prefix),
            vocab_size=100,  # the accented Spanish letters alone need 64 with full coverage
            hard_vocab_limit=False,
            character_coverage=1.0,
            minloglevel=2,  # keep the trainer quiet
        )
        shutil.copy(f"{sp_prefix}.model", package_dir / "sentencepiece.model")
        processor = spm.SentencePieceProcessor(model_file=f"{sp_prefix}.model")
        vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]

        # 2. A one-layer encoder/decoder Transformer with small random weights.
        spec = ctranslate2.specs.TransformerSpec.from_config((layers, layers), heads)
        spec.register_source_vocabulary(vocabulary)
        spec.register_target_vocabulary(vocabulary)
        rng = np.random.default_rng(seed)
        vocab_size = len(vocabulary)
        for name, value in spec.variables().items():
            if value is None:
                shape = _weight_shape(name, vocab_size, d_model, ffn_dim)
                if name.endswith("gamma"):
                    array = np.ones(shape, dtype=np.float32)
                elif name.endswith("beta"):
                    array = np.zeros(shape, dtype=np.float32)
                else:
                    array = rng.normal(0.0, weight_scale, size=shape).astype(np.float32)
                _set_variable(spec, name, array)
        # Random weights rarely pick </s>, so decoding would often run to the 256-token limit.
        # A bias towards </s> ends most outputs early: with the default seed, outputs average
        # about as many tokens as their inputs, like a real model (a few still run long).
        bias = np.zeros(vocab_size, dtype=np.float32)
        bias[vocabulary.index("</s>")] = eos_bias
        spec.decoder.projection.bias = bias
        spec.validate()
        (package_dir / "model").mkdir()
        spec.save(str(package_dir / "model"))

        metadata = {
            "package_version": version,
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": from_code,
            "to_code": to_code,
            "to_name": to_code,
            "type": "translate",
            "code": f"translate-{from_code}_{to_code}",
            "description": "Tiny random test model built by portal.language.tinymodel. Output is gibberish.",
        }
        (package_dir / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")

        archive = dest_dir / f"{package_name}.argosmodel"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipf:
            for path in sorted(package_dir.rglob("*")):
                zipf.write(path, path.relative_to(work_dir).as_posix())
    return archive


def _weight_shape(name: str, vocab_size: int, d: int, ffn_dim: int) -> tuple[int, ...]:
    """Shape of each unset variable of a pre-norm Transformer (d = d_model)."""
    if "embeddings" in name or name.endswith("projection/weight"):
        return (vocab_size, d)
    if name.endswith(("gamma", "beta")):
        return (d,)
    if "self_attention/linear_0" in name:  # fused query/key/value
        return (3 * d, d)
    if "attention/linear_1" in name and "self_attention" not in name:  # fused key/value
        return (2 * d, d)
    if "ffn/linear_0" in name:
        return (ffn_dim, d)
    if "ffn/linear_1" in name:
        return (d, ffn_dim)
    return (d, d)  # output projections and the cross-attention query


def _set_variable(spec, name: str, value) -> None:
    """Set e.g. 'decoder/layer_0/ffn/linear_0/weight' on the nested spec objects."""
    *path, attribute = name.split("/")
    node = spec
    for part in path:
        # "layer_0", "linear_1", "embeddings_0" name an item of a list attribute.
        match = re.fullmatch(r"(.+)_(\d+)", part)
        if match and isinstance(getattr(node, match[1], None), list):
            node = getattr(node, match[1])[int(match[2])]
        else:
            node = getattr(node, part)
    setattr(node, attribute, value)


if __name__ == "__main__":  # smoke test for operators: python -m portal.language.tinymodel DIR
    target = sys.argv[1] if len(sys.argv) > 1 else "."
    print(build_tiny_argosmodel(target))
