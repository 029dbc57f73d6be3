"""The rollout plan's answers (sandbox/rollout.py), without a database: who is told which release, who holds."""

from __future__ import annotations

from sandbox.rollout import (
    BUCKETS,
    RolloutPlan,
    RolloutStatus,
    Stage,
    StageKind,
    fleet_bucket,
    status_table,
)

FLEET = [f"SX-{i:05d}" for i in range(4000)]
RUN_16 = {"hold": False, "version": "1.6.0"}
HOLD = {"hold": True, "version": None}


def stage(version: str, kind: StageKind, target: str = "", percent: float | None = None, *, paused: bool = False,
          started_at: float = 100.0) -> Stage:
    return Stage(version, kind, target, percent, paused, started_at)


def plan(*stages: Stage, counties: dict[str, frozenset[str]] | None = None) -> RolloutPlan:
    return RolloutPlan.of(stages, counties)


def told(p: RolloutPlan, version: str) -> set[str]:
    return {k for k in FLEET if (p.wish_for(k, None) or {}).get("version") == version}


def test_a_percentage_covers_about_that_share_and_raising_it_keeps_the_kiosks_already_in() -> None:
    ten = told(plan(stage("1.6.0", StageKind.PERCENT, percent=10)), "1.6.0")
    fifty = told(plan(stage("1.6.0", StageKind.PERCENT, percent=50)), "1.6.0")
    assert 0.08 * len(FLEET) < len(ten) < 0.12 * len(FLEET)
    assert 0.46 * len(FLEET) < len(fifty) < 0.54 * len(FLEET)
    assert ten < fifty
    assert told(plan(stage("1.6.0", StageKind.PERCENT, percent=100)), "1.6.0") == set(FLEET)


def test_the_bucket_is_the_same_in_every_process() -> None:
    # sha256, not hash(): PYTHONHASHSEED differs between worker processes
    assert fleet_bucket("TZ-YQ-LJZ-01") == 1346
    assert all(0 <= fleet_bucket(k) < BUCKETS for k in FLEET)


def test_kiosks_outside_every_stage_hold_so_the_repository_does_not_hand_them_the_release() -> None:
    p = plan(stage("1.6.0", StageKind.PERCENT, percent=10))
    outside = next(k for k in FLEET if fleet_bucket(k) >= 1000)
    assert p.wish_for(outside, None) == HOLD


def test_a_single_kiosk_beats_its_county_which_beats_a_percentage() -> None:
    kiosk = next(k for k in FLEET if fleet_bucket(k) < 5000)
    p = plan(stage("1.6.0", StageKind.PERCENT, percent=50, started_at=300),
             stage("1.7.0~rc1", StageKind.COUNTY, "天镇县", started_at=100),
             stage("1.7.0~rc2", StageKind.KIOSK, kiosk, started_at=50),
             counties={"天镇县": frozenset({kiosk, FLEET[1]})})
    assert p.wish_for(kiosk, None) == {"hold": False, "version": "1.7.0~rc2"}
    assert p.wish_for(FLEET[1], None) == {"hold": False, "version": "1.7.0~rc1"}


def test_of_two_percentages_the_newer_rollout_wins() -> None:
    kiosk = next(k for k in FLEET if fleet_bucket(k) < 1000)
    p = plan(stage("1.6.0", StageKind.PERCENT, percent=100, started_at=100),
             stage("1.7.0", StageKind.PERCENT, percent=10, started_at=200))
    assert p.wish_for(kiosk, None) == {"hold": False, "version": "1.7.0"}


def test_a_release_that_failed_on_a_kiosk_is_never_named_to_it_again() -> None:
    kiosk = next(k for k in FLEET if fleet_bucket(k) < 1000)
    report = {"installed_version": "1.5.0", "last_outcome": "rolled_back", "failed_versions": ["1.7.0"]}
    only = plan(stage("1.7.0", StageKind.KIOSK, kiosk))
    assert only.wish_for(kiosk, report) == HOLD
    fallback = plan(stage("1.7.0", StageKind.KIOSK, kiosk), stage("1.6.0", StageKind.PERCENT, percent=50))
    assert fallback.wish_for(kiosk, report) == RUN_16  # the next stage covering it, with a release it has not failed


def test_a_paused_rollout_holds_the_kiosks_it_covers() -> None:
    kiosk = next(k for k in FLEET if fleet_bucket(k) < 5000)
    assert plan(stage("1.6.0", StageKind.PERCENT, percent=50, paused=True)).wish_for(kiosk, None) == HOLD


def test_a_pushed_update_setting_wins_and_no_live_rollout_adds_nothing() -> None:
    p = plan(stage("1.6.0", StageKind.PERCENT, percent=100))
    pinned = {"update": {"hold": False, "version": "1.4.2"}, "maintenance_message": "x"}
    assert p.settings_for(FLEET[0], pinned, None) == pinned
    assert p.settings_for(FLEET[0], {"maintenance_message": "x"}, None) == {"maintenance_message": "x",
                                                                             "update": RUN_16}
    assert RolloutPlan().settings_for(FLEET[0], {"maintenance_message": "x"}, None) == {"maintenance_message": "x"}


def test_status_table_lines_up_the_counts_and_names_the_failed_kiosks() -> None:
    status = RolloutStatus(version="1.6.0", state="active", stages=("50% of the fleet",), kiosks=1200,
                           running=("A",) * 400, told=("A",) * 590, failed=("K1", "K2"), rolled_back=("K1",),
                           rollback_failed=())
    text = status_table(status).splitlines()
    assert text[0] == "release 1.6.0: rollout active — 50% of the fleet"
    assert text[1].split() == ["kiosks", "running", "told", "failed", "rolled", "back", "rollback", "failed"]
    assert text[2].split() == ["1200", "400", "590", "2", "1", "0"]
    assert text[1].index("told") + len("told") == text[2].index("590") + len("590")  # right-aligned under the head
    assert text[3] == "failed: K1 K2"
