"""Tests of tools/export_mace.py.

The safetensors writer and the config conversion run everywhere (numpy only);
exporting a real mace-torch model runs only where `import mace` works.
Environment (set by ctest): EQUINET_CLI (the built `equinet`), EQUINET_SHARED_DIR,
EQUINET_SOURCE_DIR.
"""

import json
import os
import struct
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

SOURCE_DIR = Path(os.environ.get("EQUINET_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SHARED_DIR = Path(os.environ.get("EQUINET_SHARED_DIR", SOURCE_DIR.parent / "shared"))
MACE_DATA = SHARED_DIR / "testdata" / "mace"
sys.path.insert(0, str(SOURCE_DIR / "tools"))

import export_mace as em  # noqa: E402


def equinet_cli():
    cli = os.environ.get("EQUINET_CLI")
    if not cli or not Path(cli).exists():
        pytest.skip("EQUINET_CLI (the built equinet tool) not given")
    return cli


def need_shared():
    if not (MACE_DATA / "small.safetensors").exists():
        pytest.skip("../shared reference data not available")


def parse_header(data):
    """The header exactly as stored, parsed here independently of the module."""
    (n,) = struct.unpack("<Q", data[:8])
    return n, json.loads(data[8:8 + n], object_pairs_hook=OrderedDict)


# ------------------------------------------------------------------ writer


@pytest.mark.parametrize("name", ["small", "periodic"])
def test_writer_reproduces_reference_files_byte_for_byte(name):
    # The reference files were written by mace's state_dict through this
    # format: reading and re-writing them must give identical bytes.
    need_shared()
    path = MACE_DATA / f"{name}.safetensors"
    tensors, metadata = em.read_safetensors(path)
    assert em.serialize_safetensors(tensors, metadata) == path.read_bytes()


def test_writer_round_trip_every_dtype(tmp_path):
    tensors = OrderedDict()
    tensors["f64"] = np.arange(6, dtype=np.float64).reshape(2, 3) / 7
    tensors["f32"] = np.array([1.5, -2.25], dtype=np.float32)
    tensors["f16"] = np.array([0.5], dtype=np.float16)
    tensors["i64"] = np.array(-(2 ** 40), dtype=np.int64)  # a scalar: shape []
    tensors["i32"] = np.array([[5]], dtype=np.int32)
    tensors["i16"] = np.array([-3, 4], dtype=np.int16)
    tensors["i8"] = np.array([-1], dtype=np.int8)
    tensors["u8"] = np.array([255], dtype=np.uint8)
    tensors["flag"] = np.array(True)
    tensors["empty"] = np.zeros((0,), dtype=np.float64)
    tensors["big_endian"] = np.array([1.0, 2.0], dtype=">f8")
    tensors["strided"] = np.arange(10, dtype=np.float64)[::3]
    tensors["bf16"] = em.RawTensor("BF16", (2,), b"\x80\x3f\x00\x40")  # 1.0, 2.0
    metadata = OrderedDict([("equinet.source", "test"), ("note", "Å ü")])
    path = tmp_path / "t.safetensors"
    em.write_safetensors(path, tensors, metadata)

    data = path.read_bytes()
    n, header = parse_header(data)
    assert n % 8 == 0 and data[8:8 + n].rstrip(b" ").endswith(b"}")
    assert list(header) == list(tensors) + ["__metadata__"]
    assert header["__metadata__"] == metadata
    offset = 0
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        assert begin == offset  # contiguous, in the given order
        offset = end
    assert 8 + n + offset == len(data)
    assert header["i64"]["shape"] == [] and header["i64"]["dtype"] == "I64"
    assert header["flag"]["dtype"] == "BOOL" and header["big_endian"]["dtype"] == "F64"

    back, back_meta = em.read_safetensors(path)
    assert back_meta == metadata
    for key, value in tensors.items():
        if isinstance(value, em.RawTensor):
            assert back[key] == value
        else:
            assert back[key].shape == np.shape(value)
            np.testing.assert_array_equal(back[key], value)
    assert data[8 + n + header["f32"]["data_offsets"][0]:][:8] == struct.pack("<2f", 1.5, -2.25)


@pytest.mark.parametrize(
    "tensors, metadata, message",
    [
        ({"": np.zeros(1)}, None, "invalid tensor name"),
        ({"__metadata__": np.zeros(1)}, None, "invalid tensor name"),
        ({"c": np.zeros(2, dtype=np.complex128)}, None, "no safetensors type"),
        ({"r": em.RawTensor("F64", (3,), b"\0" * 16)}, None, "do not match"),
        ({"r": em.RawTensor("F128", (1,), b"\0" * 16)}, None, "unknown dtype"),
        ({"x": np.zeros(1)}, {"k": 1}, "must be strings"),
    ],
)
def test_writer_rejects_bad_input(tensors, metadata, message):
    with pytest.raises(ValueError, match=message):
        em.serialize_safetensors(tensors, metadata)


def test_cpp_reader_loads_written_model(tmp_path):
    # A model written by the Python writer (here with float32 weights, as a
    # float32-trained mace model would have) is read by the C++ loader.
    need_shared()
    cli = equinet_cli()
    tensors, metadata = em.read_safetensors(MACE_DATA / "small.safetensors")
    as_f32 = OrderedDict((k, v.astype(np.float32) if v.dtype == np.float64 else v)
                         for k, v in tensors.items())
    path = tmp_path / "small_f32.safetensors"
    em.write_safetensors(path, as_f32, metadata)
    out = subprocess.run([cli, "info", str(path), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert [e["Z"] for e in info["elements"]] == [1, 8]
    assert info["cutoff"] == 4.0 and info["mace_version"].startswith("0.3.15")


# ------------------------------------------------------------------ config


def silu(x):  # stands in for torch.nn.functional.silu (same __name__)
    return x


class Irreps:  # stands in for e3nn.o3.Irreps (converted with str())
    def __str__(self):
        return "8x0e+8x1o"


class RealAgnosticResidualInteractionBlock:
    pass


def test_json_ready_converts_extract_config_values():
    config = {
        "r_max": 4.0,
        "hidden_irreps": Irreps(),
        "interaction_cls": RealAgnosticResidualInteractionBlock,
        "gate": silu,
        "atomic_energies": np.array([-13.6, -2041.0]),
        "atomic_inter_scale": np.array(1.3),
        "num_bessel": np.int64(8),
        "radial_MLP": (16, 16, 16),
        "heads": ["Default"],
        "edge_irreps": None,
        "nested": {"flag": np.bool_(True)},
    }
    out = em.json_ready(config)
    assert out == {
        "r_max": 4.0,
        "hidden_irreps": "8x0e+8x1o",
        "interaction_cls": "RealAgnosticResidualInteractionBlock",
        "gate": "silu",
        "atomic_energies": [-13.6, -2041.0],
        "atomic_inter_scale": 1.3,
        "num_bessel": 8,
        "radial_MLP": [16, 16, 16],
        "heads": ["Default"],
        "edge_irreps": None,
        "nested": {"flag": True},
    }
    json.dumps(out)  # serialisable
    with pytest.raises(ValueError, match="config.odd"):
        em.json_ready({"odd": object()})


# ------------------------------------------------------------------ mace-torch


def build_mace(model_class):
    """The 'small' reference architecture, built with mace's own constructor,
    with perturbed weights so that every path contributes."""
    torch = pytest.importorskip("torch")
    o3 = pytest.importorskip("e3nn.o3")
    modules = pytest.importorskip("mace.modules")
    torch.set_default_dtype(torch.float64)
    kwargs = dict(
        r_max=4.0, num_bessel=8, num_polynomial_cutoff=5, max_ell=2,
        interaction_cls=modules.interaction_classes["RealAgnosticResidualInteractionBlock"],
        interaction_cls_first=modules.interaction_classes["RealAgnosticInteractionBlock"],
        num_interactions=2, num_elements=2, hidden_irreps=o3.Irreps("8x0e+8x1o"),
        MLP_irreps=o3.Irreps("16x0e"), atomic_energies=np.array([-13.6, -2041.0]),
        avg_num_neighbors=6.0, atomic_numbers=[1, 8], correlation=2,
        gate=torch.nn.functional.silu, radial_MLP=[16, 16, 16])
    if model_class == "ScaleShiftMACE":
        kwargs.update(atomic_inter_scale=1.3, atomic_inter_shift=0.1)
    model = getattr(modules, model_class)(**kwargs)
    generator = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.2 * torch.randn(p.shape, generator=generator, dtype=p.dtype))
    return model


@pytest.mark.parametrize("model_class", ["ScaleShiftMACE", "MACE"])
def test_export_real_mace_model(tmp_path, model_class):
    pytest.importorskip("mace")
    torch = pytest.importorskip("torch")
    model = build_mace(model_class)
    model_path = tmp_path / "model.model"
    torch.save(model, model_path)
    out_path = tmp_path / "model.safetensors"
    assert em.main([str(model_path), str(out_path)]) == 0

    tensors, metadata = em.read_safetensors(out_path)
    state = model.state_dict()
    assert list(tensors) == list(state)
    for key, value in state.items():
        np.testing.assert_array_equal(tensors[key], value.detach().cpu().numpy(), err_msg=key)
        assert tensors[key].dtype == value.detach().cpu().numpy().dtype, key
    assert metadata["equinet.source"] == "mace"
    config = json.loads(metadata["equinet.config"])
    assert config["model_class"] == model_class
    assert config["default_dtype"] == "float64"
    assert config["hidden_irreps"] == "8x0e+8x1o" and config["MLP_irreps"] == "16x0e"
    assert config["interaction_cls"] == "RealAgnosticResidualInteractionBlock"
    assert config["interaction_cls_first"] == "RealAgnosticInteractionBlock"
    assert config["gate"] == "silu" and config["atomic_numbers"] == [1, 8]
    assert ("atomic_inter_scale" in config) == (model_class == "ScaleShiftMACE")
    assert metadata["equinet.torch_version"] == str(torch.__version__)
    assert metadata["equinet.mace_version"]

    # equinet evaluates the exported file as mace-torch evaluates the model.
    cli = equinet_cli()
    ase = pytest.importorskip("ase")
    from mace.calculators import MACECalculator

    need_shared()
    ref = json.loads((MACE_DATA / "small_ref.json").read_text())[1]  # water_cluster_9
    atoms = ase.Atoms(numbers=ref["numbers"], positions=ref["positions"])
    atoms.calc = MACECalculator(model_paths=str(model_path), device="cpu",
                                default_dtype="float64")
    energy = atoms.get_potential_energy()
    forces = atoms.get_forces()
    xyz = tmp_path / "in.extxyz"
    lines = [str(len(atoms)), 'Properties=species:S:1:pos:R:3 pbc="F F F"']
    lines += [f"{s} " + " ".join(repr(float(x)) for x in p)
              for s, p in zip(atoms.get_chemical_symbols(), ref["positions"])]
    xyz.write_text("\n".join(lines) + "\n")
    out_xyz = tmp_path / "out.extxyz"
    run = subprocess.run([cli, "eval", str(out_path), str(xyz), "-o", str(out_xyz)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    comment = out_xyz.read_text().splitlines()[1]
    ours = float(comment.split("energy=")[1].split()[0])
    assert abs(ours - energy) <= 1e-10 * abs(energy)
    rows = [line.split() for line in out_xyz.read_text().splitlines()[2:]]
    header = comment.split("Properties=")[1].split()[0].split(":")
    names = header[0::3]
    widths = [int(w) for w in header[2::3]]
    start = sum(widths[:names.index("forces")])
    ours_f = np.array([[float(x) for x in r[start:start + 3]] for r in rows])
    np.testing.assert_allclose(ours_f, forces, atol=1e-8, rtol=0)


# ------------------------------------------- export glue with torch, without mace
#
# Where torch is installed but mace-torch and e3nn are not (Debian ships
# python3-torch), the glue of export() is checked against stand-in modules:
# extract_config_mace_model here mimics mace's (accepts only a class named
# ScaleShiftMACE, reads model.scale_shift); everything else is the real code.


@pytest.fixture
def fake_mace(monkeypatch):
    import types

    def extract_config_mace_model(model):
        if model.__class__.__name__ != "ScaleShiftMACE":
            return {"error": "Model is not a ScaleShiftMACE model"}
        return {
            "r_max": model.r_max.item(),
            "hidden_irreps": Irreps(),
            "interaction_cls": RealAgnosticResidualInteractionBlock,
            "gate": silu,
            "atomic_numbers": model.atomic_numbers,
            "atomic_inter_scale": model.scale_shift.scale.cpu().numpy(),
            "atomic_inter_shift": model.scale_shift.shift.cpu().numpy(),
            "heads": model.heads if hasattr(model, "heads") else ["default"],
        }

    modules = {
        "mace": types.ModuleType("mace"),
        "mace.__version__": types.ModuleType("mace.__version__"),
        "mace.tools": types.ModuleType("mace.tools"),
        "mace.tools.scripts_utils": types.ModuleType("mace.tools.scripts_utils"),
        "e3nn": types.ModuleType("e3nn"),
    }
    modules["mace.__version__"].__version__ = "0.0-test"
    modules["mace.tools.scripts_utils"].extract_config_mace_model = extract_config_mace_model
    modules["e3nn"].__version__ = "0.0-e3nn-test"
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)


def torch_model(class_name, with_scale_shift):
    torch = pytest.importorskip("torch")

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("atomic_numbers", torch.tensor([1, 8], dtype=torch.int64))
            self.register_buffer("r_max", torch.tensor(4.0, dtype=torch.float64))
            self.register_buffer("p", torch.tensor(5, dtype=torch.int32))
            self.register_buffer("zeroed", torch.tensor(False))
            self.register_buffer("bf16_buffer", torch.tensor([1.0, -2.0], dtype=torch.bfloat16))
            self.linear = torch.nn.Linear(3, 2).double()
            if with_scale_shift:
                self.scale_shift = torch.nn.Module()
                self.scale_shift.register_buffer("scale", torch.tensor(1.3, dtype=torch.float64))
                self.scale_shift.register_buffer("shift", torch.tensor(0.1, dtype=torch.float64))

    Model.__name__ = class_name
    return Model()


@pytest.mark.parametrize("class_name", ["ScaleShiftMACE", "MACE"])
def test_export_glue_with_torch(tmp_path, fake_mace, class_name):
    torch = pytest.importorskip("torch")
    model = torch_model(class_name, with_scale_shift=class_name == "ScaleShiftMACE")
    path = tmp_path / "m.safetensors"
    em.export(model, path)
    tensors, metadata = em.read_safetensors(path)
    state = model.state_dict()
    assert list(tensors) == list(state)
    assert tensors["atomic_numbers"].dtype == np.int64
    assert tensors["p"].dtype == np.int32 and tensors["p"].shape == ()
    assert tensors["zeroed"].dtype == np.bool_
    assert tensors["bf16_buffer"] == em.RawTensor("BF16", (2,), b"\x80\x3f\x00\xc0")
    np.testing.assert_array_equal(tensors["linear.weight"], state["linear.weight"].numpy())
    assert list(metadata) == ["equinet.format_version", "equinet.source", "equinet.config",
                              "equinet.mace_version", "equinet.e3nn_version",
                              "equinet.torch_version"]
    assert metadata["equinet.format_version"] == "1"
    assert metadata["equinet.mace_version"] == "0.0-test"
    assert metadata["equinet.torch_version"] == str(torch.__version__)
    config = json.loads(metadata["equinet.config"])
    expected = {"r_max": 4.0, "hidden_irreps": "8x0e+8x1o",
                "interaction_cls": "RealAgnosticResidualInteractionBlock", "gate": "silu",
                "atomic_numbers": [1, 8], "heads": ["default"],
                "model_class": class_name, "default_dtype": "float64"}
    if class_name == "ScaleShiftMACE":
        expected.update(atomic_inter_scale=1.3, atomic_inter_shift=0.1)
    assert config == expected
    assert list(config)[-2:] == ["model_class", "default_dtype"]


def test_export_rejects_other_models_and_state_dicts(tmp_path, fake_mace):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="model class Other is not supported"):
        em.export(torch_model("Other", False), tmp_path / "x.safetensors")
    state_file = tmp_path / "state.pt"
    torch.save(torch_model("MACE", False).state_dict(), state_file)
    assert em.main([str(state_file), str(tmp_path / "y.safetensors")]) == 1
    assert not (tmp_path / "y.safetensors").exists()
    module_file = tmp_path / "module.model"
    torch.save(torch.nn.Linear(2, 2), module_file)
    assert isinstance(em.load_model(module_file), torch.nn.Linear)
