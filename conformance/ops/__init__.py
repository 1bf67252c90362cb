"""The op catalog: one entry per op, and every suite parametrizes over it.

Adding an op is adding an entry to `conformance/ops/catalog.py`; PyTorch's OpInfo is
the model. The fields of an `Op`, and what each one drives:

| field | what it says | what it drives |
| --- | --- | --- |
| `name` | the op's name (`"hypot"`) | test ids, `ops.op("hypot")`, messages |
| `forms` | every way torch spells it: `torch.hypot`, `Tensor.hypot`, operators, `Tensor.hypot_` | each form is checked on its own (`test_elementwise`, `test_elementwise_forms`, `test_inplace`) |
| `ref` | NumPy's (and CuPy's) function name, or `fn(xp, *arrays, **arguments)` in `ops/references.py` | the reference both sides are compared against |
| `dtypes` | the dtype group it is checked over (`dt.NON_COMPLEX`, ...) | one `test_elementwise` case per dtype |
| `operands` | its array operands by name, with a fixed dtype where one is not the dtype under test | the strategies draw them, messages and the registry name them |
| `domain` | how operand values are drawn (every value, shift counts, a range) | `strategies.operands` |
| `torch_lacks` | dtypes for which torch has no kernel | the `no-kernel-for-dtype` known divergence expects the error |
| `integers_to_float` | integral inputs give a floating result | `integers-to-default-float` models torch's float32 |
| `gradient` | closed-form partials or a vjp, and the gradient domain | the autograd suite (`ops/derivatives.py`) |
| `family` | arithmetic, comparison, minmax, ... | registry entries that concern a family (`minmax-signed-zeros`) |
| `shapes` | `"broadcast"` for elementwise ops, else the kind of operands a structural op takes | `strategies.operands` |

A worked example: `torch.hypot` of two floats, no kernel for integral dtypes, with its
gradient in closed form::

    binary(
        "hypot",
        "hypot",                           # np.hypot / cupy.hypot
        dt.NON_COMPLEX,
        family="transcendental",
        gradient=Gradient(lambda x, y: (x / np.hypot(x, y), y / np.hypot(x, y)), within(nonzero=True)),
        torch_lacks=dt.INTEGRAL,
    )

That one entry gives `test_elementwise[torch.hypot-<group>-<device>]` for every kernel group of
its dtypes (`dtypes.kernel_groups`: float, half, ...),
`test_elementwise_forms` for `Tensor.hypot`, `test_inplace` for `Tensor.hypot_`,
`test_incompatible_shapes_raise`, and `test_gradient` for both operands. Run the
suites: a divergence that is a documented fact about torch becomes an entry of
`conformance/known_divergences/`, anything else is a bug report.
"""

from conformance.ops.catalog import ALL_OPS, DIFFERENTIABLE, ELEMENTWISE, STRUCTURAL, labels, op
from conformance.ops.derivatives import sum_to_shape
from conformance.ops.types import Form, Gradient, Op, Operand

__all__ = [
    "ALL_OPS",
    "DIFFERENTIABLE",
    "ELEMENTWISE",
    "STRUCTURAL",
    "Form",
    "Gradient",
    "Op",
    "Operand",
    "labels",
    "op",
    "sum_to_shape",
]
