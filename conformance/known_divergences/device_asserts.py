"""Known divergences of CUDA devices: invalid input that torch reports with a device-side assert.

On the CPU torch checks these inputs and raises at once. A CUDA kernel checks them itself
(CUDA_KERNEL_ASSERT, or `_assert_async` where a host check would need a synchronization):
the call may return, and the error reaches the host later, as an AcceleratorError (a
RuntimeError) at the next synchronization, and every later CUDA call of the process fails
too. So these calls are never made in the run's processes: `runner.check_call` checks the
reference's refusal alone there, and `suites/test_device_asserts.py` makes each call in a
subprocess of its own and checks that torch stops exactly so. Seen on torch 2.11.0+cu130
(an H200): the first failure of each pytest worker whose CUDA context was lost.
"""

from __future__ import annotations

from conformance.check import Check
from conformance.divergences import AssertsOnDevice, KnownDivergence

INDEXING_FORMS = (
    "Tensor.__getitem__",
    "Tensor.__setitem__",
    "Tensor.index_put_",
    "torch.index_put",
    "Tensor.index_put",
)
# the calls of suites/test_device_asserts.py (conformance/device_calls.py), each with one index past its dim
INDEXING_EXAMPLES = ("getitem-index-past-its-dim", "setitem-index-past-its-dim", "index_put-index-past-its-dim")

# the bad-argument cases of suites/test_random.py whose check runs in the kernel on CUDA
RANDOM_CASES = (
    "bernoulli-p-above-one",
    "bernoulli-p-nan",
    "multinomial-negative-weight",
    "multinomial-zero-weights",
)


def _index_out_of_bounds(check: Check) -> bool:
    """NumPy refused an index past its dim. This covers more than the kernel checks (an
    integer key past its dim, or an index into an empty dim, torch checks on the host),
    so that no call that can assert is ever made: those few are checked on the CPU rows."""
    reference = check.reference
    return reference is not None and isinstance(reference.error, IndexError) and "out of bounds" in str(reference.error)


def _refused(check: Check) -> bool:
    return check.reference is not None and check.reference.raised


ENTRIES: list[KnownDivergence] = [
    KnownDivergence(
        id="cuda-index-out-of-bounds-asserts",
        ops=INDEXING_FORMS + INDEXING_EXAMPLES,
        summary=(
            "on CUDA, an index tensor with an entry past its dim stops the kernel with a device-side assert "
            "(AcceleratorError at the next synchronization, the CUDA context lost); NumPy raises IndexError"
        ),
        example=(
            "x = torch.zeros(3, device='cuda'); x[torch.tensor([5], device='cuda')].cpu()  "
            "# AcceleratorError: CUDA error: device-side assert triggered; np.zeros(3)[np.array([5])]  # IndexError"
        ),
        reason=(
            "the CUDA index kernels check each index on the device (CUDA_KERNEL_ASSERT 'index out of bounds'): "
            "a host check would need the index values copied back, a synchronization per call"
        ),
        torch_gives=AssertsOnDevice("index out of bounds"),
        when=_index_out_of_bounds,
        device_types=("cuda",),
        link="https://pytorch.org/docs/stable/notes/cuda.html#asynchronous-execution",
    ),
    KnownDivergence(
        id="cuda-distribution-parameter-asserts",
        ops=RANDOM_CASES,
        summary=(
            "on CUDA, bernoulli's p outside [0, 1] (NaN too) and multinomial's invalid weights stop the kernel "
            "with a device-side assert (the CUDA context lost); on the CPU torch raises RuntimeError, NumPy "
            "ValueError"
        ),
        example=(
            "torch.bernoulli(torch.tensor([1.5], device='cuda')).cpu()  "
            "# AcceleratorError: CUDA error: device-side assert triggered; np.random.default_rng().binomial(1, 1.5)  "
            "# ValueError"
        ),
        reason=(
            "the CUDA kernels check the parameters on the device (CUDA_KERNEL_ASSERT, _assert_async), "
            "to spare the synchronization a host check needs"
        ),
        torch_gives=AssertsOnDevice("p_in >= 0 && p_in <= 1; multinomial's weights"),
        when=_refused,
        device_types=("cuda",),
        link="https://pytorch.org/docs/stable/notes/cuda.html#asynchronous-execution",
    ),
]
