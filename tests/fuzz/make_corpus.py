#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/seed-*), a few small
valid and nearly valid inputs each. Run from anywhere; it rewrites only the seed-* files, so
the inputs the fuzzer found (crash-*, named after the finding) stay.

Image seeds are the image_io test fixtures; IDX seeds are the IDX fixtures with the target's
control byte in front (fuzz_idx.cpp); checkpoint seeds are checkpoints in the format of
core/include/ddpm/checkpoint.h without their 12-byte trailer (fuzz_checkpoint.cpp)."""
import gzip
import json
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"
CORPUS = HERE / "corpus"


def target(name):
    d = CORPUS / name
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("seed-*"):
        old.unlink()
    return d


def images():
    names = ["gray_5x4.png", "rgb_8x6.png", "rgba_4x4.png", "rgb16_4x3.png", "rgb_8x6.jpg", "rgb_3x2.bmp",
             "rgb_8x6.tiff", "rgb_8x6.webp", "gray_3x2.pgm", "huge_header.png", "truncated.png",
             "crc_damaged.png"]
    for t in ("image_header", "image_decode"):
        d = target(t)
        for n in names:
            shutil.copyfile(DATA / "image_io" / n, d / ("seed-" + n))
        # A GIF header by hand (6x4, one colour), which OpenCV 4.6 does not decode.
        (d / "seed-tiny.gif").write_bytes(b"GIF89a" + struct.pack("<HH", 6, 4) + b"\x00\x00\x00;")


def idx():
    d = target("idx")
    plain = (DATA / "idx/plain/train-images-idx3-ubyte").read_bytes()
    # control byte: bit 0 gzip here, bits 1-2 the limit (fuzz_idx.cpp)
    (d / "seed-plain").write_bytes(b"\x00" + plain)
    (d / "seed-plain-limit2").write_bytes(b"\x04" + plain)
    (d / "seed-gzipped-here").write_bytes(b"\x01" + plain)
    (d / "seed-gz-file").write_bytes(b"\x00" + (DATA / "idx/gz/train-images-idx3-ubyte.gz").read_bytes())
    (d / "seed-gz-truncated").write_bytes(b"\x00" + (DATA / "idx/bad/truncated-idx3-ubyte.gz").read_bytes())
    (d / "seed-labels").write_bytes(b"\x01" + (DATA / "idx/bad/labels-idx1-ubyte").read_bytes())
    (d / "seed-lying-count").write_bytes(b"\x02" + (DATA / "idx/bad/lying-count-idx3-ubyte").read_bytes())


def betas():
    d = target("beta_file")
    (d / "seed-good.txt").write_bytes((DATA / "betas_good.txt").read_bytes())
    (d / "seed-bom-crlf.txt").write_bytes((DATA / "betas_bom_crlf.txt").read_bytes())
    (d / "seed-forms.txt").write_bytes(b"# exponents, signs, spaces\n1e-4\n+0.02 # end\n\t.5\n2.5E-1\r\n")
    (d / "seed-bad.txt").write_bytes(b"0.1\nnan\n")


MLP = {"kind": "mlp", "preset": "tiny", "dims": 2, "out_dims": 2, "hidden": 128, "depth": 3,
       "time_embedding_dim": 32, "concat_time": True}
UNET = {"kind": "unet", "preset": "tiny", "in_channels": 1, "out_channels": 1, "image_size": 28,
        "base_channels": 32, "channel_mults": [1, 2, 2], "num_res_blocks": 1, "attention_resolutions": [4],
        "attention_heads": 1, "dropout": 0.0, "groups": 32}


def model_config():
    d = target("model_config")
    (d / "seed-mlp.json").write_text(json.dumps(MLP))
    (d / "seed-unet.json").write_text(json.dumps(UNET))
    (d / "seed-unet-bad.json").write_text(json.dumps(dict(UNET, groups=7)))


def experiment():
    d = target("experiment")
    (d / "seed-moons.json").write_text(
        '{"version": 1, "data": "toy:moons", "model": "mlp", "steps": 3000, "lr": 0.002, "seed": 7}')
    (d / "seed-full.json").write_text(json.dumps({
        "version": 1, "data": "fashion-mnist:train", "model": "unet", "preset": "tiny", "image_size": 0,
        "prediction": "v", "variance": "learned-range", "loss": "hybrid", "t_sampling": "importance",
        "schedule": "cosine", "diffusion_steps": 500, "zero_terminal_snr": True, "steps": 100, "batch": 8,
        "lr": 0.0005, "warmup": 10, "weight_decay": 0.0, "grad_clip": 1.0, "ema_decay": 0.999, "flip": True,
        "seed": 3, "threads": 1, "device": "cpu", "precision": "fp32", "checkpoint_every": 50, "keep": 2,
        "sample_every": 0, "sample_count": 4, "log_every": 5}, indent=1))
    (d / "seed-folder.json").write_text('{"version": 1, "data": "folder:imgs", "image_size": 32}')
    (d / "seed-bad-lr.json").write_text('{"version": 1, "lr": 5}')


def checkpoint_body(metadata, tensors):
    """tensors: (name, dtype, shape, raw bytes); the file less its CRC-32 and end magic."""
    entries, payload = [], b""
    for name, dtype, shape, raw in tensors:
        entries.append({"name": name, "dtype": dtype, "shape": shape, "offset": len(payload), "bytes": len(raw)})
        payload += raw
    header = json.dumps({"metadata": metadata, "tensors": entries}).encode()
    return b"DDPMCKPT" + struct.pack("<II", 1, len(header)) + header + payload


def checkpoint():
    d = target("checkpoint")
    betas = struct.pack("<4d", 0.1, 0.2, 0.3, 0.4)
    meta = {"step": 3, "model": MLP, "parameterization": {"prediction": "eps", "variance": "small"},
            "schedule": {"name": "custom", "zero_terminal_snr": False}}
    (d / "seed-small").write_bytes(checkpoint_body(meta, [
        ("source_betas", "f64", [4], betas),
        ("params", "f32", [2, 3], struct.pack("<6f", *range(6))),
        ("step", "i64", [], struct.pack("<q", 3)),
        ("mask", "u8", [0, 5], b"")]))
    (d / "seed-empty").write_bytes(checkpoint_body({}, []))
    (d / "seed-overlap").write_bytes(checkpoint_body({"a": [1, {"b": None}]}, [
        ("x", "f32", [1], b"\0\0\x80\x3f"), ("y", "f32", [1], b"\0\0\0\x40")]))


if __name__ == "__main__":
    images()
    idx()
    betas()
    model_config()
    experiment()
    checkpoint()
