"""Cancellation and reschedule cut-offs, and the appointment status life cycle."""

from datetime import timedelta

import pytest

from scheduling import (
    AppointmentStatus,
    ChangePolicy,
    check_can_cancel,
    check_can_reschedule,
    check_transition,
)
from scheduling.reasons import (
    AlreadyStarted,
    InvalidTransition,
    TooLateToCancel,
    TooLateToReschedule,
)
from tests.unit.scheduling.builders import at

START = at("2026-11-24 10:00")
POLICY = ChangePolicy(cancel_cutoff=timedelta(hours=24), reschedule_cutoff=timedelta(hours=12))


def test_a_customer_may_cancel_before_the_cutoff():
    check_can_cancel(START, now=START - timedelta(hours=25), policy=POLICY)


def test_a_customer_cannot_cancel_inside_the_cutoff_and_is_told_the_rule():
    with pytest.raises(TooLateToCancel, match="up to 1 day before"):
        check_can_cancel(START, now=START - timedelta(hours=23), policy=POLICY)


def test_the_cutoff_boundary_itself_still_allows_cancelling():
    check_can_cancel(START, now=START - timedelta(hours=24), policy=POLICY)


def test_reschedule_has_its_own_cutoff():
    check_can_reschedule(START, now=START - timedelta(hours=13), policy=POLICY)
    with pytest.raises(TooLateToReschedule, match="moved up to 12 hours before"):
        check_can_reschedule(START, now=START - timedelta(hours=11), policy=POLICY)


def test_staff_are_not_bound_by_the_customer_cutoff():
    check_can_cancel(START, now=START - timedelta(minutes=5), policy=POLICY, by_staff=True)


def test_nobody_changes_an_appointment_that_has_started():
    with pytest.raises(AlreadyStarted):
        check_can_cancel(START, now=START, policy=POLICY, by_staff=True)
    with pytest.raises(AlreadyStarted):
        check_can_reschedule(START, now=START + timedelta(minutes=1), policy=POLICY)


def test_negative_cutoffs_are_refused():
    with pytest.raises(ValueError):
        ChangePolicy(cancel_cutoff=timedelta(hours=-1))


END = START + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED),
        (AppointmentStatus.REQUESTED, AppointmentStatus.CANCELLED),
        (AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED),
    ],
)
def test_allowed_transitions_before_the_appointment(current, wanted):
    check_transition(current, wanted, start=START, end=END, now=START - timedelta(days=1))


def test_an_appointment_completes_only_after_it_ended():
    with pytest.raises(InvalidTransition):
        check_transition(
            AppointmentStatus.CONFIRMED,
            AppointmentStatus.COMPLETED,
            start=START,
            end=END,
            now=START,
        )
    check_transition(
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.COMPLETED,
        start=START,
        end=END,
        now=END,
    )


def test_a_no_show_is_recorded_only_once_the_appointment_started():
    with pytest.raises(InvalidTransition):
        check_transition(
            AppointmentStatus.CONFIRMED,
            AppointmentStatus.NO_SHOW,
            start=START,
            end=END,
            now=START - timedelta(minutes=1),
        )
    check_transition(
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.NO_SHOW,
        start=START,
        end=END,
        now=START,
    )


@pytest.mark.parametrize(
    "final",
    [
        AppointmentStatus.CANCELLED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
    ],
)
def test_final_statuses_never_change(final):
    with pytest.raises(InvalidTransition, match=f"is {final.label} cannot become confirmed"):
        check_transition(final, AppointmentStatus.CONFIRMED, start=START, end=END, now=START)


def test_a_requested_appointment_cannot_skip_to_completed():
    with pytest.raises(InvalidTransition):
        check_transition(
            AppointmentStatus.REQUESTED,
            AppointmentStatus.COMPLETED,
            start=START,
            end=END,
            now=END,
        )


def test_only_requested_and_confirmed_hold_their_time():
    assert {s for s in AppointmentStatus if s.holds_time} == {
        AppointmentStatus.REQUESTED,
        AppointmentStatus.CONFIRMED,
    }


def test_a_confirmed_appointment_may_go_back_to_requested_only_before_it_starts():
    check_transition(
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.REQUESTED,
        start=START,
        end=END,
        now=START - timedelta(hours=1),
    )
    with pytest.raises(InvalidTransition):
        check_transition(
            AppointmentStatus.CONFIRMED,
            AppointmentStatus.REQUESTED,
            start=START,
            end=END,
            now=START,
        )
