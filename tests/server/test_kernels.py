"""Leases: when a page's kernel is kept and when it is freed; how the cap is sized."""

from __future__ import annotations

import pytest

from espec_widgets.server.kernels import Lease, WorkbookKernelManager

GRACES = {"unconnected_grace": 60.0, "disconnected_grace": 15.0}


def test_a_page_still_being_sent_keeps_its_kernel() -> None:
    assert Lease("1.2.3.4").expired(10_000, connections=0, **GRACES) == ""


def test_a_page_nobody_connected_to_is_freed_after_the_grace() -> None:
    lease = Lease("1.2.3.4", sent_at=100.0)
    assert lease.expired(159.0, connections=0, **GRACES) == ""
    assert "no browser connected" in lease.expired(161.0, connections=0, **GRACES)


def test_an_open_page_keeps_its_kernel_however_long() -> None:
    lease = Lease("1.2.3.4", sent_at=100.0, connected=True)
    assert lease.expired(100_000.0, connections=1, **GRACES) == ""


def test_a_page_that_went_away_is_freed_after_the_grace() -> None:
    lease = Lease("1.2.3.4", sent_at=100.0, connected=True, left_at=200.0)
    assert lease.expired(214.0, connections=0, **GRACES) == ""
    assert "gone" in lease.expired(216.0, connections=0, **GRACES)
    # a reconnect within the grace (a network blip) keeps it
    assert lease.expired(216.0, connections=1, **GRACES) == ""


def test_the_default_cap_follows_memory_and_can_be_configured() -> None:
    km = WorkbookKernelManager()
    assert km.max_kernels >= 4
    assert km.max_kernels_per_client == max(4, km.max_kernels // 2)
    assert km.max_kernel_memory_mib == km.max_kernels * km.kernel_memory_mib
    small = WorkbookKernelManager(max_kernels=6, max_kernels_per_client=0)
    assert small.max_kernel_memory_mib == 6 * small.kernel_memory_mib
    assert small.refusal("1.2.3.4") == ""  # nothing running yet


def test_a_kernel_key_opens_nothing_without_a_lease() -> None:
    km = WorkbookKernelManager()
    key = km.kernel_key("5f1c7a1e-0000-4000-8000-000000000000")
    assert len(key) == 64
    assert not km.owns("5f1c7a1e-0000-4000-8000-000000000000", key)
    assert WorkbookKernelManager().kernel_key("x") != km.kernel_key("x")  # a secret per server


@pytest.mark.parametrize("reserved", [1, 2])
def test_pages_being_served_count_toward_the_cap(reserved: int) -> None:
    km = WorkbookKernelManager(max_kernels=2, max_kernels_per_client=0)
    for _ in range(reserved):
        km.reserve("1.2.3.4")
    assert km.refusal("5.6.7.8") == ("server" if reserved >= 2 else "")
    for _ in range(reserved):
        km.release("1.2.3.4")
    assert km.refusal("5.6.7.8") == ""


def test_the_per_client_cap_counts_that_address_only() -> None:
    km = WorkbookKernelManager(max_kernels=100, max_kernels_per_client=2)
    km.reserve("1.2.3.4")
    km.reserve("1.2.3.4")
    assert km.refusal("1.2.3.4") == "client"
    assert km.refusal("5.6.7.8") == ""
