#!/usr/bin/env python3
"""Export a mace-torch model to the MACE interchange file that equinet reads.

    python3 tools/export_mace.py MODEL.model OUT.safetensors

MODEL.model is what mace-torch saves with torch.save(model) (a MACE or
ScaleShiftMACE module; not a TorchScript "-compiled" file, not a checkpoint
state_dict). The output is a safetensors file holding every state_dict entry
under its exact key in its native dtype, and the metadata

    equinet.format_version  "1" (docs/model-format.md; readers refuse newer versions)
    equinet.source        "mace"
    equinet.config        JSON of mace.tools.scripts_utils.extract_config_mace_model(model)
                          (irreps as e3nn strings, classes by name, gate "silu",
                          arrays as lists) plus model_class and default_dtype
    equinet.mace_version, equinet.e3nn_version, equinet.torch_version

(see docs/model-format.md and docs/cli.md). Needs torch, e3nn and
mace-torch; the safetensors writer below needs only numpy, so it can be used
(and tested) without them.
"""

import argparse
import dataclasses
import json
import struct
import sys
from collections import OrderedDict

import numpy as np

# The model-file contract this exporter writes (docs/model-format.md); the
# C++ readers accept it up to io::kModelFormatVersion.
FORMAT_VERSION = 1

# ----------------------------------------------------------------- safetensors

# numpy dtype -> safetensors header spelling. BF16 has no numpy type: pass it
# as RawTensor.
_DTYPE_NAMES = OrderedDict(
    [
        (np.dtype(np.float64), "F64"),
        (np.dtype(np.float32), "F32"),
        (np.dtype(np.float16), "F16"),
        (np.dtype(np.int64), "I64"),
        (np.dtype(np.int32), "I32"),
        (np.dtype(np.int16), "I16"),
        (np.dtype(np.int8), "I8"),
        (np.dtype(np.uint8), "U8"),
        (np.dtype(np.bool_), "BOOL"),
    ]
)
_NUMPY_OF_NAME = {name: dtype for dtype, name in _DTYPE_NAMES.items()}
_ITEM_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2,
              "I8": 1, "U8": 1, "BOOL": 1}


@dataclasses.dataclass
class RawTensor:
    """A tensor given as its header dtype, shape and little-endian bytes."""

    dtype: str
    shape: tuple
    data: bytes


def _raw(name, tensor):
    if isinstance(tensor, RawTensor):
        raw = RawTensor(tensor.dtype, tuple(int(n) for n in tensor.shape), bytes(tensor.data))
    else:
        array = np.asarray(tensor)
        canonical = array.dtype.newbyteorder("=")
        if canonical not in _DTYPE_NAMES:
            raise ValueError(f"tensor '{name}': dtype {array.dtype} has no safetensors type")
        little = np.ascontiguousarray(array, dtype=canonical.newbyteorder("<"))
        raw = RawTensor(_DTYPE_NAMES[canonical], array.shape, little.tobytes())
    if raw.dtype not in _ITEM_SIZE:
        raise ValueError(f"tensor '{name}': unknown dtype {raw.dtype}")
    count = int(np.prod(raw.shape, dtype=np.int64)) if raw.shape else 1
    if count * _ITEM_SIZE[raw.dtype] != len(raw.data):
        raise ValueError(f"tensor '{name}': {len(raw.data)} bytes do not match "
                         f"shape {list(raw.shape)} of {raw.dtype}")
    return raw


def serialize_safetensors(tensors, metadata=None):
    """Bytes of a safetensors file: data in the given key order, compact JSON
    header with __metadata__ last, padded with spaces to a multiple of 8."""
    header = OrderedDict()
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        if not isinstance(name, str) or not name or name == "__metadata__":
            raise ValueError(f"invalid tensor name {name!r}")
        raw = _raw(name, tensor)
        header[name] = OrderedDict(
            [("dtype", raw.dtype), ("shape", list(raw.shape)),
             ("data_offsets", [offset, offset + len(raw.data)])])
        chunks.append(raw.data)
        offset += len(raw.data)
    if metadata:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError(f"metadata {key!r}: keys and values must be strings")
        header["__metadata__"] = OrderedDict(metadata)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_safetensors(path, tensors, metadata=None):
    data = serialize_safetensors(tensors, metadata)
    with open(path, "wb") as f:
        f.write(data)


def read_safetensors(path):
    """(OrderedDict name -> numpy array or RawTensor for BF16, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} exceeds the file")
    header = json.loads(data[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    metadata = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = OrderedDict()
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        chunk = body[begin:end]
        shape = tuple(entry["shape"])
        if entry["dtype"] in _NUMPY_OF_NAME:
            dtype = _NUMPY_OF_NAME[entry["dtype"]].newbyteorder("<")
            tensors[name] = np.frombuffer(chunk, dtype=dtype).reshape(shape)
        else:
            tensors[name] = RawTensor(entry["dtype"], shape, chunk)
    return tensors, metadata


# ----------------------------------------------------------------- mace model


def json_ready(value, key="config"):
    """A JSON-serialisable copy of an extract_config_mace_model value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if type(value).__name__ == "Tensor":  # torch, without importing it here
        return value.detach().cpu().tolist()
    if type(value).__name__ in ("Irreps", "Irrep"):  # e3nn
        return str(value)
    if isinstance(value, type):  # e.g. RealAgnosticResidualInteractionBlock
        return value.__name__
    if callable(value) and hasattr(value, "__name__"):  # gate: torch.nn.functional.silu
        return value.__name__
    if isinstance(value, dict):
        return {str(k): json_ready(v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v, f"{key}[{i}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(value):
        return json_ready(dataclasses.asdict(value), key)
    raise ValueError(f"{key}: cannot write a {type(value).__name__} as JSON")


def _float_dtype_name(model):
    for tensor in model.state_dict().values():
        if tensor.is_floating_point():
            return str(tensor.dtype).replace("torch.", "")
    raise ValueError("the model has no floating-point tensors")


class _WithUnitScaleShift:
    """A plain MACE seen as a ScaleShiftMACE with scale 1 and shift 0, since
    extract_config_mace_model only accepts ScaleShiftMACE."""

    def __init__(self, model, torch):
        self._model = model
        dtype = next(t for t in model.state_dict().values() if t.is_floating_point()).dtype
        self.scale_shift = argparse.Namespace(scale=torch.tensor(1.0, dtype=dtype),
                                              shift=torch.tensor(0.0, dtype=dtype))

    def __getattr__(self, name):
        return getattr(self._model, name)


def model_config(model):
    """extract_config_mace_model(model) as JSON-ready data, plus model_class
    and default_dtype."""
    import torch
    from mace.tools.scripts_utils import extract_config_mace_model

    model_class = type(model).__name__
    if model_class == "ScaleShiftMACE":
        config = extract_config_mace_model(model)
    elif model_class == "MACE":
        proxy_type = type("ScaleShiftMACE", (_WithUnitScaleShift,), {})
        config = extract_config_mace_model(proxy_type(model, torch))
        config.pop("atomic_inter_scale", None)
        config.pop("atomic_inter_shift", None)
    else:
        raise ValueError(f"model class {model_class} is not supported (MACE or ScaleShiftMACE)")
    if "error" in config:
        raise ValueError(f"extract_config_mace_model: {config['error']}")
    config = json_ready(config)
    config["model_class"] = model_class
    config["default_dtype"] = _float_dtype_name(model)
    return config


def state_dict_tensors(model):
    """Every state_dict entry under its key, native dtype, in state_dict order."""
    import torch

    tensors = OrderedDict()
    for name, tensor in model.state_dict().items():
        t = tensor.detach().cpu().contiguous()
        if t.dtype == torch.bfloat16:
            tensors[name] = RawTensor("BF16", tuple(t.shape),
                                      t.view(torch.int16).numpy().astype("<i2").tobytes())
        else:
            tensors[name] = t.numpy()
    return tensors


def versions():
    import e3nn
    import torch

    try:
        from mace.__version__ import __version__ as mace_version
    except ImportError:
        from importlib.metadata import version

        mace_version = version("mace-torch")
    return OrderedDict([("equinet.mace_version", str(mace_version)),
                        ("equinet.e3nn_version", str(e3nn.__version__)),
                        ("equinet.torch_version", str(torch.__version__))])


def export(model, path):
    """Writes the interchange file of a MACE / ScaleShiftMACE module."""
    metadata = OrderedDict([("equinet.format_version", str(FORMAT_VERSION)),
                            ("equinet.source", "mace"),
                            ("equinet.config", json.dumps(model_config(model)))])
    metadata.update(versions())
    tensors = state_dict_tensors(model)
    write_safetensors(path, tensors, metadata)
    # Read the file back: every tensor must come back bit for bit.
    back, back_meta = read_safetensors(path)
    if list(back) != list(tensors) or back_meta != metadata:
        raise RuntimeError(f"{path}: keys or metadata differ after writing")
    for name, tensor in tensors.items():
        if _raw(name, back[name]) != _raw(name, tensor):
            raise RuntimeError(f"{path}: tensor '{name}' differs after writing")


def load_model(path):
    import torch

    try:
        model = torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:  # torch < 1.13 has no weights_only
        model = torch.load(path, map_location="cpu")
    except RuntimeError as e:
        raise ValueError(f"{path}: torch.load failed ({e}); TorchScript files "
                         "(*-compiled.model) cannot be exported, use the plain .model") from e
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"{path}: holds a {type(model).__name__}, not a MACE model "
                         "(a checkpoint state_dict cannot be exported, use the .model file)")
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Export a mace-torch model (torch.save of MACE/ScaleShiftMACE) "
        "to the safetensors interchange file equinet reads.")
    parser.add_argument("model", help="mace-torch model file (.model)")
    parser.add_argument("output", help="output .safetensors file")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model)
        export(model, args.output)
    except ImportError as e:
        print(f"export_mace: error: needs torch, e3nn and mace-torch ({e})", file=sys.stderr)
        return 1
    except (ValueError, RuntimeError, OSError) as e:
        print(f"export_mace: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.output} ({type(model).__name__}, "
          f"{len(model.state_dict())} tensors)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
