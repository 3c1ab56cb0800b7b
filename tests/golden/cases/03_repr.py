# Golden cases: repr and printing (TORCH_SEMANTICS.md §3).

# %% case: repr_equals_str
import torch
t = torch.tensor([1.5, 2.])
print(repr(t) == str(t))
print(repr(t))

# %% case: print_list_of_tensors
import torch
print([torch.tensor([1., 2.]), torch.tensor(3)])

# %% case: print_tuple_and_dict
import torch
print((torch.tensor(1.), torch.tensor([True])))
print({'a': torch.tensor([1, 2])})

# %% case: requires_grad_suffix
import torch
print(torch.ones(2, requires_grad=True))

# %% case: grad_fn_suffix_not_requires_grad
import torch
x = torch.ones(2, requires_grad=True)
print(x * 2)
print(x.sum())

# %% case: dtype_suffix_shown_for_float64
import torch
print(torch.tensor([1., 2.], dtype=torch.float64))

# %% case: dtype_suffix_hidden_for_defaults
import torch
print(torch.tensor([1., 2.]))
print(torch.tensor([1, 2]))
print(torch.tensor([True]))

# %% case: dtype_suffix_int32_int16_int8_uint8
import torch
print(torch.tensor([1, 2], dtype=torch.int32))
print(torch.tensor([1, 2], dtype=torch.int16))
print(torch.tensor([1, 2], dtype=torch.int8))
print(torch.tensor([1, 2], dtype=torch.uint8))

# %% case: dtype_suffix_float16
import torch
print(torch.tensor([1.5, 2.], dtype=torch.float16))

# %% case: dtype_then_requires_grad_suffix
import torch
print(torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True))

# %% case: dtype_then_grad_fn_suffix
import torch
x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
print(x * 2)

# %% case: empty_float32
import torch
print(torch.tensor([]))

# %% case: empty_int64_shows_dtype
import torch
print(torch.tensor([], dtype=torch.int64))
print(torch.arange(0))

# %% case: empty_bool_and_float64_show_dtype
import torch
print(torch.tensor([], dtype=torch.bool))
print(torch.tensor([], dtype=torch.float64))

# %% case: empty_2d_shows_size
import torch
print(torch.zeros(0, 3))
print(torch.zeros(0, 3, dtype=torch.int64))
print(torch.zeros(2, 0))

# %% case: empty_requires_grad
import torch
print(torch.zeros(0, requires_grad=True))

# %% case: suffix_wraps_requires_grad
import torch
print(torch.arange(9, dtype=torch.float64, requires_grad=True))

# %% case: suffix_wraps_grad_fn
import torch
x = torch.arange(9, dtype=torch.float64, requires_grad=True)
print(x * 1)

# %% case: suffix_wraps_eight_elements
import torch
print(torch.arange(8, dtype=torch.float64, requires_grad=True))

# %% case: suffix_fits_on_line
import torch
print(torch.arange(3, dtype=torch.float64, requires_grad=True))
print(torch.tensor([1., 2., 3., 4., 5., 6., 7., 8., 9., 10.], requires_grad=True))

# %% case: suffix_wraps_dtype
import torch
print(torch.arange(10, dtype=torch.int32) * 1000000)

# %% case: suffix_wraps_after_2d
import torch
print(torch.arange(18, dtype=torch.float64).reshape(2, 9).requires_grad_())

# %% case: int_mode_floats
import torch
print(torch.tensor([1., 2., 3.]))
print(torch.tensor([-1., 2., 10.]))

# %% case: int_mode_with_nan_inf
import torch
print(torch.tensor([float('nan'), float('inf'), -float('inf'), 1.]))

# %% case: fixed_mode_with_nan
import torch
print(torch.tensor([float('nan'), 1.5]))

# %% case: sci_mode_threshold_1000
import torch
print(torch.tensor([1000., 1.]))
print(torch.tensor([1001., 1.]))

# %% case: sci_mode_threshold_1e8
import torch
print(torch.tensor([1e8]))
print(torch.tensor([1.5e8]))

# %% case: sci_mode_small_values
import torch
print(torch.tensor([1e-4]))
print(torch.tensor([1e-5, 1.]))
print(torch.tensor([0.001, 0.5]))

# %% case: sci_mode_large_fixed
import torch
print(torch.tensor([123456.5, 1.]))
print(torch.tensor([0.5, 1e9]))

# %% case: fixed_mode_four_decimals
import torch
print(torch.tensor([0.1, 0.25, 1.5]))
print(torch.tensor([1.23456]))

# %% case: all_zeros
import torch
print(torch.zeros(3))
print(torch.tensor([0., -0.]))

# %% case: negative_zero
import torch
print(torch.tensor([-0.]))
print(torch.tensor(-0.))

# %% case: negative_numbers_widen
import torch
print(torch.tensor([-1.5, 2.25]))
print(torch.tensor([100., 0.5]))
print(torch.tensor([-100.5, 0.5]))

# %% case: int_alignment
import torch
print(torch.tensor([-1, 2, 300]))

# %% case: bool_alignment
import torch
print(torch.tensor([True, False]))
print(torch.tensor([[True], [False]]))

# %% case: zero_dim_reprs
import torch
print(torch.tensor(3.))
print(torch.tensor(0.1))
print(torch.tensor(3))
print(torch.tensor(True))
print(torch.tensor(float('nan')))
print(torch.tensor(1.23456e8))
print(torch.tensor(2., dtype=torch.float64))

# %% case: zero_dim_requires_grad
import torch
x = torch.tensor(2., requires_grad=True)
print(x)
print(x * 3)

# %% case: float64_precision_shown_four_decimals
import torch
print(torch.tensor([1/3], dtype=torch.float64))

# %% case: line_width_float
import torch
print(torch.arange(30.))

# %% case: line_width_int
import torch
print(torch.arange(30))

# %% case: line_width_wide_values
import torch
print(torch.arange(20.) * 1.5)

# %% case: two_d_rows
import torch
print(torch.arange(6.).reshape(2, 3))
print(torch.tensor([[1, 2], [30, 4]]))

# %% case: three_d_blocks
import torch
print(torch.arange(12).reshape(2, 2, 3))

# %% case: four_d_blocks
import torch
print(torch.arange(8.).reshape(2, 1, 2, 2))

# %% case: two_d_requires_grad
import torch
print(torch.ones(2, 2, requires_grad=True))

# %% case: two_d_long_rows_wrap
import torch
print(torch.arange(40.).reshape(2, 20))

# %% case: summarise_threshold_1000_full
import torch
t = torch.arange(1000)
s = repr(t)
print(len(s), s.count('\n'), '...' in s)
print(s[:60])
print(s[-60:])

# %% case: summarise_1001
import torch
print(torch.arange(1001))

# %% case: summarise_ones_2000_requires_grad
import torch
print(torch.ones(2000, requires_grad=True))

# %% case: summarise_2d
import torch
print(torch.arange(1200.).reshape(40, 30))

# %% case: summarise_2d_one_long_dim
import torch
print(torch.arange(2000).reshape(2, 1000))

# %% case: summarise_3d
import torch
print(torch.arange(2400).reshape(10, 10, 24))

# %% case: summarise_format_uses_shown_values
import torch
t = torch.ones(2000)
t[1000] = 12345.
print(t)

# %% case: size_compares_to_tuple
import torch
t = torch.zeros(2, 3)
print(t.shape == (2, 3), t.size() == torch.Size([2, 3]))
print(t.shape)
print(repr(t.shape))
print(len(t), len(t.shape))
print(tuple(t.shape), list(t.shape))

# %% case: size_is_tuple_subclass
import torch
s = torch.zeros(2, 3).shape
print(isinstance(s, tuple))
print(s[0], s[-1], s[1:])

# %% case: len_of_0dim_raises
import torch
len(torch.tensor(1.))

# %% case: grad_fn_repr_and_name
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
print(repr(y.grad_fn))
print(type(y.grad_fn).__name__, y.grad_fn.name())
print(type(y.grad_fn).__name__ == y.grad_fn.name())

# %% case: accumulate_grad_name
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
acc = y.grad_fn.next_functions[0][0]
print(type(acc).__name__)
print(acc.name())

# %% case: item_on_many_elements_raises
import torch
torch.tensor([1., 2.]).item()

# %% case: item_on_one_element_tensor
import torch
print(torch.tensor([[2.5]]).item())
print(torch.tensor([7]).item())

# %% case: bool_on_many_elements_raises
import torch
bool(torch.tensor([1., 2.]))

# %% case: bool_on_one_element
import torch
print(bool(torch.tensor([0.])), bool(torch.tensor(2)))
if torch.tensor([True]):
    print('truthy')

# %% case: format_and_int
import torch
print('{:.2f}'.format(torch.tensor(1.5)))
print(f'{torch.tensor(2.25):.1f}')
print(int(torch.tensor(3.7)), float(torch.tensor(2)))

# %% case: tolist_with_requires_grad
import torch
x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
print(x.tolist())
print(torch.tensor(3).tolist(), torch.tensor([True, False]).tolist())

# %% case: parameter_repr
import torch
p = torch.nn.Parameter(torch.tensor([1., 2.]))
print(p)
print(repr(p))
print(type(p).__name__, isinstance(p, torch.Tensor))
