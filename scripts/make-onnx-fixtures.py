#!/usr/bin/env python3
"""Makes the small ONNX fixtures that cairn-ml's tests read, and the framework's own predictions.

Usage: make-onnx-fixtures.py [OUTPUT_DIR]   (default: cairn-ml/src/test/resources/onnx/)

Needs scikit-learn, skl2onnx and onnx (pinned in compat/python/requirements.txt), e.g.
  compat/python/.venv/bin/python scripts/make-onnx-fixtures.py

Every model is trained on the iris data set with fixed seeds, so a rerun with the same package
versions writes the same files. Beside each model, <name>.predictions.json holds the inputs the
model was given (the iris features rounded to float32, as an ONNX float input sees them) and what
scikit-learn predicted for them: "labels" and "probabilities" (columns in the order of "classes").

Also written: truncated.onnx (the first half of logreg_iris.onnx) and not_onnx.onnx (text), which a
model inspector must reject.
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

SEED = 42
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "cairn-ml/src/test/resources/onnx")
    out.mkdir(parents=True, exist_ok=True)
    iris = load_iris()
    # Round the features to float32 once, so that scikit-learn and an ONNX float input see the same
    # numbers; the labels can then be compared exactly.
    x32 = iris.data.astype(np.float32)
    x = x32.astype(np.float64)
    y = iris.target
    names = iris.target_names[iris.target]

    # Integer labels, probabilities as scikit-learn's ZipMap output (a sequence of maps).
    logreg = LogisticRegression(max_iter=1000, random_state=SEED).fit(x, y)
    save(export("logreg_iris", logreg, float_input("input"), zipmap=True), out)
    write_predictions(out, "logreg_iris", logreg, x)

    # String labels (the species names); a few shallow trees keep the file small.
    forest = RandomForestClassifier(n_estimators=3, max_depth=3, random_state=SEED).fit(x, names)
    save(export("rf_iris", forest, float_input("input"), zipmap=True), out)
    write_predictions(out, "rf_iris", forest, x)

    # Probabilities as a plain float tensor [N, 3].
    mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=3000, random_state=SEED).fit(x, y)
    save(export("mlp_iris", mlp, float_input("input"), zipmap=False), out)
    write_predictions(out, "mlp_iris", mlp, x)

    # A double input whose batch axis has a symbolic name.
    dynamic = LogisticRegression(max_iter=1000, random_state=SEED).fit(x, y)
    model = export("dynamic_axes", dynamic, [("features", DoubleTensorType([None, 4]))], zipmap=False)
    name_batch_axis(model, "batch")
    save(model, out)
    write_predictions(out, "dynamic_axes", dynamic, x)

    whole = (out / "logreg_iris.onnx").read_bytes()
    (out / "truncated.onnx").write_bytes(whole[: len(whole) // 2])
    (out / "not_onnx.onnx").write_text("This is a text file with an .onnx name, not an ONNX model.\n")
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:>8}  {path}")


def float_input(name):
    return [(name, FloatTensorType([None, 4]))]


def export(name, estimator, initial_types, zipmap):
    model = convert_sklearn(estimator, name=name, initial_types=initial_types,
                            options={id(estimator): {"zipmap": zipmap}}, target_opset=TARGET_OPSET)
    model.doc_string = f"Cairn test fixture: scikit-learn {type(estimator).__name__} on iris"
    return model


def write_predictions(out, name, estimator, x):
    predictions = {
        "model": f"{name}.onnx",
        "estimator": type(estimator).__name__,
        "inputs": x.tolist(),
        "classes": estimator.classes_.tolist(),
        "labels": estimator.predict(x).tolist(),
        "probabilities": estimator.predict_proba(x).tolist(),
    }
    with open(out / f"{name}.predictions.json", "w") as f:
        json.dump(predictions, f)
        f.write("\n")


def name_batch_axis(model, axis_name):
    """skl2onnx leaves a None dimension unnamed; give the first axis of every graph input and tensor
    output a symbolic name, as exporters with dynamic axes do."""
    for value in list(model.graph.input) + list(model.graph.output):
        if value.type.HasField("tensor_type"):
            dims = value.type.tensor_type.shape.dim
            if len(dims) > 0 and not dims[0].HasField("dim_value"):
                dims[0].dim_param = axis_name


def save(model, out):
    onnx.checker.check_model(model)
    (out / f"{model.graph.name}.onnx").write_bytes(model.SerializeToString())


if __name__ == "__main__":
    main()
