# Golden cases: dtype rules of arithmetic on bool and integer tensors (what PyTorch refuses, the
# result dtypes it keeps, its messages and the order it checks in). Each fact found by the
# differential test.

# %% case: bool_subtraction_refused_in_place
import torch
for f in (
    lambda: torch.tensor([1.0]).sub_(True),
    lambda: torch.tensor([1]).sub_(torch.tensor([True])),
    lambda: torch.tensor([True]).sub_(torch.tensor([True])),
    lambda: torch.ones(2).expand(2, 2).sub_(True),
    lambda: torch.tensor([True]).sub_(torch.zeros(3, 2)),
):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)
x = torch.tensor([2.0])
try:
    x -= True
except RuntimeError as e:
    print(type(e).__name__, e, x, x._version)
try:
    torch.ones(1, requires_grad=True).sub_(True)
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: add_alpha_checked_against_the_result_dtype
import torch
print(torch.add(torch.tensor([1, 2]), 0.5, alpha=0.5))
print(torch.add(torch.tensor([True, False]), torch.tensor([True, True]), alpha=2))
print(torch.add(torch.tensor([True, False]), torch.tensor([True, True]), alpha=0))
print(torch.tensor([1.0]).sub(2, alpha=0.5))
for f in (
    lambda: torch.add(torch.tensor([1]), torch.tensor([2]), alpha=0.5),
    lambda: torch.tensor([1]).sub(2, alpha=0.5),
    lambda: torch.tensor([1]).sub(2, alpha=True),
    lambda: torch.tensor([1]).add_(torch.tensor([2]), alpha=0.5),
    lambda: torch.tensor([True]).add_(True, alpha=0.5),
    lambda: torch.tensor([1]).add_(2.5, alpha=0.5),
    lambda: torch.add(torch.tensor([1, 2]), torch.tensor([1, 2, 3]), alpha=0.5),
):
    try:
        print(f())
    except RuntimeError as e:
        print(type(e).__name__, e)
b = torch.tensor([True, False])
b.add_(torch.tensor([False, True]), alpha=-1)
print(b)

# %% case: bool_power_floor_divide_remainder
import torch
b = torch.tensor([True, False])
print(b ** True, b ** False, b ** 2, 2 ** b, torch.tensor([2, 3]) ** b)
for f in (
    lambda: b ** b,
    lambda: True ** b,
    lambda: b // b,
    lambda: b % True,
    lambda: True // b,
    lambda: torch.zeros(0, dtype=torch.bool) % torch.zeros(0, dtype=torch.bool),
    lambda: torch.div(b, b, rounding_mode="floor"),
    lambda: torch.div(b, True, rounding_mode="trunc"),
    lambda: b.clone().pow_(b),
):
    try:
        print(f())
    except NotImplementedError as e:
        print(type(e).__name__, e)
x = torch.tensor([True])
try:
    x //= True
except NotImplementedError as e:
    print(type(e).__name__, e, x._version)

# %% case: integer_powers_and_division_by_zero_of_nothing
import torch
print(torch.tensor([2, -2, 1, -1, 0]) ** torch.tensor([-1, -1, -2, -3, -1]))
print(2 ** torch.tensor([-1, -2, 0, 3]), (-1) ** torch.tensor([-1, -2, 0, 3]))
x = torch.zeros(0, dtype=torch.long)
x //= 0
x %= 0
print(x, x._version, x.floor_divide_(torch.tensor(0)), x.remainder_(torch.tensor([0])))
try:
    torch.tensor([2]).remainder_(torch.tensor([0]))
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: float_remainder_zero_keeps_the_dividend_sign
import torch
a = torch.tensor([-0.5, 0.5, -1.0, 1.0, -0.0, 0.0, 1.0, -1.0])
print(1 / (a % 0.5), 1 / (a % -0.5))
print(1 / torch.remainder(a, torch.tensor(-1.0)))
print(1 / (torch.tensor([-2, 2, 0, 4]) % torch.tensor([1.0, -1.0, -1.0, 2.0])))
print(2.0 % torch.tensor([-0.5, 0.5, -1.0, float("inf")]))
x = torch.tensor([-0.5, 0.5], requires_grad=True)
r = x % 0.5
print(1 / r)
y = a.clone()
y %= 0.5
print(1 / y)

# %% case: unary_ops_refuse_bool
import torch
b = torch.tensor([True, False])
print(b.sign(), b.clamp(min=0), b.clamp(max=0.5), b.clamp(min=torch.tensor(False)))
for f in (
    b.abs,
    lambda: abs(b),
    b.relu,
    b.floor,
    b.ceil,
    b.trunc,
    b.round,
    lambda: b.clamp(False, True),
    lambda: b.clamp(min=True),
    lambda: b.clamp(max=False),
    lambda: b.clamp(min=torch.tensor([False, True]), max=torch.tensor([True, True])),
    lambda: torch.zeros(0, dtype=torch.bool).abs(),
):
    try:
        print(f())
    except (RuntimeError, NotImplementedError) as e:
        print(type(e).__name__, e)

# %% case: inplace_unary_ops_refuse_bool
import torch
for name, f in (
    ("neg_", lambda t: t.neg_()),
    ("abs_", lambda t: t.abs_()),
    ("relu_", lambda t: t.relu_()),
    ("clamp_", lambda t: t.clamp_(False, True)),
    ("clamp_min", lambda t: t.clamp_(min=True)),
    ("clamp_long", lambda t: t.clamp_(min=0)),
):
    for t in (torch.tensor([True, False]), torch.tensor([True, False]).expand(2, 2)):
        try:
            f(t)
        except (RuntimeError, NotImplementedError) as e:
            print(name, type(e).__name__, e, t._version)

# %% case: clamp_promotes_with_both_bounds
import torch
for r in (
    torch.clamp(torch.tensor([1, 2]), -1, 0.5),
    torch.clamp(torch.tensor([1, 2], dtype=torch.int8), 0, 1.5),
    torch.clamp(torch.tensor([True, False]), -1, 0.5),
    torch.clamp(torch.tensor([1, 2]), 0, float("inf")),
    torch.clamp(torch.tensor([1, 2]), 0.5, 1),
):
    print(r, r.dtype)
for f in (
    lambda: torch.tensor([1, 2]).clamp_(-1, 0.5),
    lambda: torch.tensor([1, 2]).clamp_(min=torch.tensor(0.5)),
    lambda: torch.tensor([1, 2]).expand(2, 2).clamp_(0, 1.5),
):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)

# %% case: sign_of_nan_and_invert_of_float
import torch
x = torch.tensor([float("nan"), -2.0, 0.0, -0.0, 3.0, float("inf")], requires_grad=True)
print(x.sign(), torch.tensor([float("nan")], dtype=torch.float64).sign())
try:
    ~torch.tensor([1.0])
except TypeError as e:
    print(type(e).__name__, e)
try:
    torch.bitwise_not(torch.tensor([1.0]))
except NotImplementedError as e:
    print(type(e).__name__, e)
print(~torch.tensor([1, -2]), ~torch.tensor([True, False]))

# %% case: integer_div_in_place_names_the_promoted_dtype
import torch
for f in (
    lambda: torch.tensor([1, 2]).div_(torch.tensor([2.0], dtype=torch.float64)),
    lambda: torch.tensor([1, 2]).div_(torch.tensor([2.0, 1], dtype=torch.float16)),
    lambda: torch.tensor([1, 2], dtype=torch.int32).div_(torch.tensor([2], dtype=torch.int8)),
    lambda: torch.tensor([1, 2]).div_(torch.zeros(3, 2, dtype=torch.float64)),
    lambda: torch.tensor([1, 2]).expand(2, 2).div_(2.0),
    lambda: torch.tensor([True]).div_(True),
):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)

# %% case: softmax_argmax_var_norm_of_integers
import torch
i = torch.tensor([[1, 2]])
print(torch.zeros(0, dtype=torch.long).softmax(0), i.softmax(0, dtype=torch.float32))
for f in (
    lambda: i.softmax(0),
    lambda: i.softmax(-1),
    lambda: i.log_softmax(0),
    lambda: torch.tensor([[True, False]]).log_softmax(1),
    lambda: torch.tensor(1).softmax(0),
    lambda: i.softmax(2),
    lambda: torch.tensor([True, False]).argmax(),
    lambda: torch.tensor([[True, False]]).argmax(dim=5),
    lambda: torch.tensor([[True, False]]).argmin(dim=1),
    lambda: i.var(),
    lambda: i.std(dim=5),
    lambda: torch.tensor([True, False]).var(0),
    lambda: i.norm(),
    lambda: i.norm(1, dim=1),
    lambda: torch.tensor([True]).norm(dtype=torch.float32),
):
    try:
        print(f())
    except (RuntimeError, NotImplementedError, IndexError) as e:
        print(type(e).__name__, e)

# %% case: products_of_bool_and_mixed_dtypes
import torch
b = torch.tensor([[True, False]])
print(torch.zeros(2, 0, dtype=torch.bool) @ torch.zeros(0, 2, dtype=torch.bool))
print(torch.zeros(0, 2, dtype=torch.bool).mv(torch.ones(2, dtype=torch.bool)))
f32, f64 = torch.float32, torch.float64
for f in (
    lambda: b @ b.t(),
    lambda: b.mv(b[0]),
    lambda: b[0].dot(b[0]),
    lambda: torch.zeros(0, dtype=torch.bool).dot(torch.zeros(0, dtype=torch.bool)),
    lambda: b[None].bmm(b[None].mT),
    lambda: torch.ones(2, 2, 2, dtype=torch.bool) @ torch.ones(2, 2, dtype=torch.bool),
    lambda: torch.ones(2, 2, 2, dtype=torch.bool).transpose(0, 1) @ torch.ones(2, 2, dtype=torch.bool),
    lambda: torch.ones(2, 2, dtype=f32) @ torch.ones(2, dtype=f64),
    lambda: torch.ones(2, 2, dtype=f64).mv(torch.ones(2, dtype=f32)),
    lambda: torch.ones(2, dtype=torch.bool) @ torch.ones(2),
    lambda: torch.ones(2, 2, 2) @ torch.ones(2, 2, 2, dtype=f64),
    lambda: torch.ones(2, 2, 2, dtype=torch.int64) @ torch.ones(2, 2, 2, dtype=torch.bool),
    lambda: torch.ones(2, 2, 2).transpose(0, 1) @ torch.ones(2, 2, dtype=f64),
    lambda: torch.ones(2, 3) @ torch.ones(2, 2, dtype=f64),
    lambda: torch.ones(2, 3) @ torch.ones(2, dtype=f64),
    lambda: torch.ones(3) @ torch.ones(2, dtype=f64),
    lambda: torch.ones(2, 3, 3) @ torch.ones(2, 2, 2, dtype=f64),
):
    try:
        print(f())
    except (RuntimeError, NotImplementedError) as e:
        print(type(e).__name__, e)
