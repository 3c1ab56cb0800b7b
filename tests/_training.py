"""The training runs that show tensorkit's optimizers train as PyTorch's do.

A small MLP (8 -> 16 -> 4), ``nn.Sequential(nn.Linear, nn.Tanh or nn.ReLU, nn.Linear)`` with
``nn.MSELoss`` or ``nn.CrossEntropyLoss``, trained full-batch for ``STEPS`` steps on fixed data. Data and initial weights come from NumPy with a
fixed seed, so PyTorch and tensorkit start from the very same float32 numbers. ``train(module,
name)`` runs one configuration with ``module`` (``torch`` or ``tensorkit``) and returns the loss
of every step (computed before that step's update) and the final parameters.

``scripts/record_training.py`` runs them on PyTorch and writes
``tests/golden/training_losses.json``; ``tests/test_optim.py`` runs them on tensorkit
and compares. Changing anything here means recording again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

STEPS = 100
SEED = 20240613
EXPECTED_PATH = Path(__file__).resolve().parent / "golden" / "training_losses.json"

# name: (optimizer class, its options, hidden activation, loss)
CONFIGS: dict[str, tuple[str, dict, str, str]] = {
    "sgd_momentum": ("SGD", {"lr": 0.05, "momentum": 0.9}, "tanh", "mse"),
    "sgd_nesterov_weight_decay": (
        "SGD",
        {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3},
        "relu",
        "mse",
    ),
    "sgd_dampening_cross_entropy": (
        "SGD",
        {"lr": 0.2, "momentum": 0.5, "dampening": 0.25},
        "tanh",
        "cross_entropy",
    ),
    "adam": ("Adam", {"lr": 1e-2}, "tanh", "cross_entropy"),
    "adam_amsgrad_weight_decay": (
        "Adam",
        {"lr": 5e-3, "amsgrad": True, "weight_decay": 1e-2},
        "relu",
        "mse",
    ),
    "adamw": ("AdamW", {"lr": 1e-2, "weight_decay": 0.1}, "relu", "cross_entropy"),
    "adamw_amsgrad_betas": (
        "AdamW",
        {"lr": 2e-2, "betas": (0.8, 0.95), "eps": 1e-6, "amsgrad": True},
        "tanh",
        "mse",
    ),
}


def data() -> dict[str, np.ndarray]:
    """Inputs, regression targets, class labels and initial weights (all float32 but labels)."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    teacher = rng.standard_normal((8, 4)).astype(np.float32)
    y = np.tanh(x @ teacher).astype(np.float32)
    labels = np.argmax(x @ teacher, axis=1)
    return {
        "x": x,
        "y": y,
        "labels": labels.astype(np.int64),
        "w1": (rng.standard_normal((16, 8)) / np.sqrt(8)).astype(np.float32),
        "b1": (0.1 * rng.standard_normal(16)).astype(np.float32),
        "w2": (rng.standard_normal((4, 16)) / 4).astype(np.float32),
        "b2": (0.1 * rng.standard_normal(4)).astype(np.float32),
    }


def train(module, name: str, steps: int = STEPS) -> dict[str, list]:
    """Train configuration ``name`` with ``module``; the per-step losses and final parameters."""
    optimizer_name, options, activation, loss_name = CONFIGS[name]
    arrays = data()
    nn = module.nn
    model = nn.Sequential(
        nn.Linear(8, 16), nn.Tanh() if activation == "tanh" else nn.ReLU(), nn.Linear(16, 4)
    )
    model.load_state_dict(
        {
            f"{layer}.{kind}": module.tensor(arrays[key])
            for layer, kind, key in (
                (0, "weight", "w1"),
                (0, "bias", "b1"),
                (2, "weight", "w2"),
                (2, "bias", "b2"),
            )
        }
    )
    x = module.tensor(arrays["x"])
    target = module.tensor(arrays["y"] if loss_name == "mse" else arrays["labels"])
    criterion = nn.MSELoss() if loss_name == "mse" else nn.CrossEntropyLoss()
    optimizer = getattr(module.optim, optimizer_name)(model.parameters(), **options)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return {
        "losses": losses,
        "params": [param.detach().numpy().ravel().tolist() for param in model.parameters()],
    }


def describe(name: str) -> dict:
    """What a recording was made from, stored with it so a stale recording is noticed."""
    optimizer_name, options, activation, loss_name = CONFIGS[name]
    return {
        "optimizer": optimizer_name,
        "options": {key: list(v) if isinstance(v, tuple) else v for key, v in options.items()},
        "model": "nn.Sequential(nn.Linear(8, 16), activation, nn.Linear(16, 4))",
        "activation": activation,
        "loss": loss_name,
        "steps": STEPS,
        "seed": SEED,
    }
