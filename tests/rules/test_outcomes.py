"""Per-step outcomes and step states, with expectations worked out by hand from the seed notices.

Every test goes through `run`, which also checks the funnel identity on every step
(reached = passed + failed + absent + withdrawn + not_registered + cut_off;
docs/DOMAIN.md#the-funnel).
"""

from __future__ import annotations

from .conftest import (
    BELNET,
    MAASEIK,
    OPGROEIEN,
    POD_MI,
    belnet_procedure,
    belnet_steps,
    check_funnel,
    counts,
    laureates,
    maaseik_procedure,
    maaseik_steps,
    opgroeien_procedure,
    opgroeien_steps,
    outcomes,
    passes,
    pod_mi_procedure,
    pod_mi_steps,
    problems,
    procedures_frame,
    refs,
    res,
    run,
    state,
    steps_frame,
)

# =========================================================================================
# Belnet CNG23032, step 3: "Deze proef wordt georganiseerd als aparte stap, indien er na de
# vorige stap meer dan 6 kandidaten overblijven." / "ten minste 9 punten op 18" / "enkel de
# eerste 6 geslaagden ... Bij gelijkheid van punten, kan dit aantal verhoogd worden".
# =========================================================================================


def test_belnet_six_left_after_step_2_step_3_not_held_and_step_4_takes_the_six() -> None:
    # 8 apply. B08 fails the diploma screening, B07 the experience screening:
    # step 1: 8 reached, 7 passed, 1 failed; step 2: 7 reached, 6 passed, 1 failed.
    # 6 remain and 6 is not "meer dan 6", so step 3 is not held: no rows, state not_held.
    rows = (
        passes(BELNET, 1, refs("B", 1, 7))
        + [res(BELNET, "B08", 1, outcome="failed")]
        + passes(BELNET, 2, refs("B", 1, 6))
        + [res(BELNET, "B07", 2, outcome="failed")]
        # Step 4 on /110, pass mark 55: 100, 90, 80, 70, 60 pass; 54 < 55 fails.
        + [
            res(BELNET, c, 4, s)
            for c, s in zip(refs("B", 1, 6), [100, 90, 80, 70, 60, 54], strict=True)
        ]
    )
    d = run(belnet_steps(), rows, belnet_procedure())

    assert state(d, BELNET, 1) == counts("held", 8, passed=7, failed=1)
    assert state(d, BELNET, 2) == counts("held", 7, passed=6, failed=1)
    assert state(d, BELNET, 3) == counts("not_held", 0)
    assert outcomes(d, BELNET, 3) == {}
    # The six go straight to step 4: 5 pass, B06 (54/110) fails.
    assert state(d, BELNET, 4) == counts("held", 6, passed=5, failed=1)
    assert outcomes(d, BELNET, 4) == {
        "B01": "passed",
        "B02": "passed",
        "B03": "passed",
        "B04": "passed",
        "B05": "passed",
        "B06": "failed",
    }
    # Nobody reached step 4 without passing steps 1-2, and step 3 was rightly skipped.
    assert problems(d) == []


def test_belnet_seven_left_after_step_2_step_3_is_held() -> None:
    # 7 pass step 2: 7 > 6, so step 3 is held as its own step.
    # Scores 18, 17, 16, 15, 14, 13, 12 all reach 9/18; the first 6 (18..13) go on,
    # B07 (12, 7th place) met the mark but is outside the first 6 -> cut_off.
    cands = refs("B", 1, 7)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 3, s) for c, s in zip(cands, [18, 17, 16, 15, 14, 13, 12], strict=True)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())

    assert state(d, BELNET, 3) == counts("held", 7, passed=6, cut_off=1)
    assert outcomes(d, BELNET, 3) == {
        "B01": "passed",
        "B02": "passed",
        "B03": "passed",
        "B04": "passed",
        "B05": "passed",
        "B06": "passed",
        "B07": "cut_off",
    }
    # Step 4 has no results yet: pending, and without a held last step there is no list.
    assert state(d, BELNET, 4) == counts("pending", 0)
    assert laureates(d, BELNET) == {}
    assert problems(d) == []


def test_belnet_seven_left_step_3_without_results_is_pending() -> None:
    # 7 remain, step 3 must be held and has no results yet -> pending (not not_held).
    cands = refs("B", 1, 7)
    d = run(belnet_steps(), passes(BELNET, 1, cands) + passes(BELNET, 2, cands), belnet_procedure())
    assert state(d, BELNET, 3) == counts("pending", 0)
    assert state(d, BELNET, 4) == counts("pending", 0)
    assert laureates(d, BELNET) == {}


def test_belnet_tie_at_sixth_place_lets_all_tied_through() -> None:
    # 10 remain after step 2 (> 6: step 3 held). Written scores /18, pass mark 9:
    #   C01 18, C02 17, C03 16, C04 15, C05 14  -> places 1..5
    #   C06 12, C07 12                          -> both 6th (tie at the 6th place)
    #   C08 11                                  -> 8th
    #   C09 9 (exactly the pass mark: passes)   -> 9th
    #   C10 8.5 (< 9)                           -> failed, not cut_off
    # First 6 + those tied with the 6th = C01..C07 (7 go on); C08, C09 cut_off.
    cands = refs("C", 1, 10)
    scores = [18, 17, 16, 15, 14, 12, 12, 11, 9, 8.5]
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 3, s) for c, s in zip(cands, scores, strict=True)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())

    assert outcomes(d, BELNET, 3) == {
        "C01": "passed",
        "C02": "passed",
        "C03": "passed",
        "C04": "passed",
        "C05": "passed",
        "C06": "passed",
        "C07": "passed",
        "C08": "cut_off",
        "C09": "cut_off",
        "C10": "failed",
    }
    # 10 reached = 7 passed + 2 cut_off + 1 failed.
    assert state(d, BELNET, 3) == counts("held", 10, passed=7, cut_off=2, failed=1)
    assert problems(d) == []


def test_belnet_exactly_nine_out_of_eighteen_passes() -> None:
    # 7 remain (step 3 held). Scores 18, 17, 16, 15, 14, 9, 8.5:
    # 9 >= 9 passes and is 6th among the 6 passers -> passed (no cut needed);
    # 8.5 < 9 -> failed.
    cands = refs("E", 1, 7)
    scores = [18, 17, 16, 15, 14, 9, 8.5]
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 3, s) for c, s in zip(cands, scores, strict=True)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert outcomes(d, BELNET, 3)["E06"] == "passed"
    assert outcomes(d, BELNET, 3)["E07"] == "failed"
    assert state(d, BELNET, 3) == counts("held", 7, passed=6, failed=1)


def test_belnet_step_3_rows_when_only_six_remained_is_a_problem() -> None:
    # Only 6 pass step 2, yet step-3 results were imported: the step should not have been
    # held ("meer dan 6"), reported once for the step (no candidate).
    cands = refs("D", 1, 6)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 3, s) for c, s in zip(cands, [18, 17, 16, 15, 14, 13], strict=True)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert problems(d, BELNET) == [(None, 3, "step_should_not_be_held")]


def test_belnet_cut_off_candidate_cannot_reach_step_4() -> None:
    # 7 remain; B07 (12/18, 7th) is cut_off at step 3 and leaves the procedure, so a step-4
    # row for B07 is unreachable (the only problem: B07's step-3 row has no given outcome).
    cands = refs("B", 1, 7)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 3, s) for c, s in zip(cands, [18, 17, 16, 15, 14, 13, 12], strict=True)]
        + [res(BELNET, c, 4, 80) for c in refs("B", 1, 6)]
        + [res(BELNET, "B07", 4, 90)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert outcomes(d, BELNET, 3)["B07"] == "cut_off"
    assert problems(d, BELNET) == [("B07", 4, "unreachable_step")]


def test_belnet_seven_left_and_step_3_missing_is_not_silently_skipped() -> None:
    # 7 remain after step 2 -> step 3 must be held ("meer dan 6"). Step-3 results are
    # missing but step-4 results were imported for all 7. Step 3 cannot be 'not_held'
    # (the head count says it is held); the step-4 rows come from candidates who have not
    # passed step 3, so something must be reported.
    cands = refs("B", 1, 7)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 4, 60 + i) for i, c in enumerate(cands)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert state(d, BELNET, 3)["state"] != "not_held"
    assert problems(d, BELNET) != []


def test_belnet_step_3_is_pending_while_step_2_is_pending() -> None:
    # 10 passed the diploma screening; the experience screening has no results yet.
    # Whether step 3 is held depends on how many pass step 2 - not known yet -> pending.
    d = run(belnet_steps(), passes(BELNET, 1, refs("B", 1, 10)), belnet_procedure())
    assert state(d, BELNET, 1) == counts("held", 10, passed=10)
    assert state(d, BELNET, 2) == counts("pending", 0)
    assert state(d, BELNET, 3) == counts("pending", 0)
    assert state(d, BELNET, 4) == counts("pending", 0)


# =========================================================================================
# POD MI CNG24004: MCQ "tenminste 50/100"; "Enkel de 50 geslaagden na de
# meerkeuzevragenlijst met de hoogste score én die over de vereiste ervaring beschikken,
# gaan door naar de volgende stap".
# =========================================================================================


def test_pod_mi_mcq_exactly_50_passes_49_fails_absent_ends_procedure() -> None:
    # Step 2 (MCQ /100, pass mark 50): P1 50 -> passed (50 >= 50); P2 49 -> failed;
    # P3 absent from the info session -> absent ("Absence ... ends the procedure").
    rows = [
        *passes(POD_MI, 1, ["P1", "P2", "P3"]),
        res(POD_MI, "P1", 2, 50),
        res(POD_MI, "P2", 2, 49),
        res(POD_MI, "P3", 2, outcome="absent"),
    ]
    d = run(pod_mi_steps(), rows, pod_mi_procedure())
    assert outcomes(d, POD_MI, 2) == {"P1": "passed", "P2": "failed", "P3": "absent"}
    assert state(d, POD_MI, 2) == counts("held", 3, passed=1, failed=1, absent=1)
    assert problems(d) == []


def _pod_mi_sixty(mcq: dict[str, float], experience_failed: dict[str, float]) -> list[dict]:
    """All pass step 1; `mcq` candidates pass step 3, `experience_failed` fail it."""
    everyone = {**mcq, **experience_failed}
    return (
        passes(POD_MI, 1, list(everyone))
        + [res(POD_MI, c, 2, s) for c, s in everyone.items()]
        + passes(POD_MI, 3, list(mcq))
        + [res(POD_MI, c, 3, outcome="failed") for c in experience_failed]
    )


def test_pod_mi_top_50_by_mcq_among_experience_passers() -> None:
    # 60 candidates P01..P60 pass the MCQ with distinct scores 100, 99.5, ..., 70.5
    # (P_k = 100 - (k-1) * 0.5) and pass the experience screening.
    # X01 has the best MCQ score (100, equal to P01) but FAILS the experience screening:
    # X01 is failed at step 3 and does not take a place.
    # Ranking the 60 experience passers on their MCQ score: P01..P50 are places 1..50
    # (P50 = 100 - 49*0.5 = 75.5); P51..P60 (75.0 .. 70.5) are places 51..60 -> cut_off.
    mcq = {c: 100 - (k - 1) * 0.5 for k, c in enumerate(refs("P", 1, 60), start=1)}
    rows = _pod_mi_sixty(mcq, {"X01": 100})
    d = run(pod_mi_steps(), rows, pod_mi_procedure())

    out = outcomes(d, POD_MI, 3)
    assert out["X01"] == "failed"
    assert sorted(c for c, o in out.items() if o == "passed") == refs("P", 1, 50)
    assert sorted(c for c, o in out.items() if o == "cut_off") == refs("P", 51, 60)
    # 61 reached = 50 passed + 10 cut_off + 1 failed.
    assert state(d, POD_MI, 3) == counts("held", 61, passed=50, cut_off=10, failed=1)
    # The MCQ itself: all 61 scored >= 70.5 >= 50 -> 61 passed.
    assert state(d, POD_MI, 2) == counts("held", 61, passed=61)


def test_pod_mi_tie_at_fiftieth_place_extends() -> None:
    # 60 experience passers. P01..P49: 99.5, 99.0, ..., 75.5 (100 - k*0.5) -> places 1..49.
    # P50, P51, P52: 75 each -> all three at place 50 -> all go on (tie at the 50th place).
    # P53..P60: 74, 73, ..., 67 -> places 53..60 -> cut_off.
    # => 52 passed, 8 cut_off.
    mcq = {c: 100 - k * 0.5 for k, c in enumerate(refs("P", 1, 49), start=1)}
    mcq |= dict.fromkeys(refs("P", 50, 52), 75.0)
    mcq |= {c: 74.0 - i for i, c in enumerate(refs("P", 53, 60))}
    assert mcq["P49"] == 75.5 and mcq["P53"] == 74.0 and mcq["P60"] == 67.0
    d = run(pod_mi_steps(), _pod_mi_sixty(mcq, {}), pod_mi_procedure())

    out = outcomes(d, POD_MI, 3)
    assert sorted(c for c, o in out.items() if o == "passed") == refs("P", 1, 52)
    assert sorted(c for c, o in out.items() if o == "cut_off") == refs("P", 53, 60)
    assert state(d, POD_MI, 3) == counts("held", 60, passed=52, cut_off=8)


def test_pod_mi_mcq_failer_cannot_reach_experience_screening() -> None:
    # F1 scores 49/100 on the MCQ -> failed; a step-3 row for F1 is unreachable.
    rows = [
        *passes(POD_MI, 1, ["F1", "G1"]),
        res(POD_MI, "F1", 2, 49),
        res(POD_MI, "G1", 2, 80),
        res(POD_MI, "F1", 3, outcome="passed"),
        res(POD_MI, "G1", 3, outcome="passed"),
    ]
    d = run(pod_mi_steps(), rows, pod_mi_procedure())
    assert outcomes(d, POD_MI, 2) == {"F1": "failed", "G1": "passed"}
    assert problems(d, POD_MI) == [("F1", 3, "unreachable_step")]


def test_pod_mi_cut_off_given_passed_is_not_a_contradiction() -> None:
    # 60 experience passers as above: P51..P60 were given 'passed' at the experience
    # screening (they do meet the experience rule) and are cut_off by the top 50. Their
    # given outcome does not contradict anything: no problem at all is expected.
    mcq = {c: 100 - (k - 1) * 0.5 for k, c in enumerate(refs("P", 1, 60), start=1)}
    d = run(pod_mi_steps(), _pod_mi_sixty(mcq, {}), pod_mi_procedure())
    assert state(d, POD_MI, 3) == counts("held", 60, passed=50, cut_off=10)
    assert problems(d, POD_MI) == []


# =========================================================================================
# Stad Maaseik: "Om geslaagd te zijn dien je 50% per proef en 60% in totaliteit
# (schriftelijk en mondeling) te behalen." Maxima 100 each (documented assumption):
# total max 200, 60 % of 200 = 120.
# =========================================================================================


def test_maaseik_fifty_percent_per_test_and_sixty_percent_in_total() -> None:
    rows = [
        *passes(MAASEIK, 1, ["M1", "M2", "M3", "M4", "M5"]),
        # M1: written 50 (= 50 %, passes step 2); oral 60 (>= 50 %), total 110/200 = 55 %
        #     < 60 % -> failed at step 3.
        res(MAASEIK, "M1", 2, 50),
        res(MAASEIK, "M1", 3, 60),
        # M2: 60 + 60 = 120/200 = 60 % exactly -> passed.
        res(MAASEIK, "M2", 2, 60),
        res(MAASEIK, "M2", 3, 60),
        # M3: written 70, oral 50 (= 50 % exactly), total 120 = 60 % exactly -> passed.
        res(MAASEIK, "M3", 2, 70),
        res(MAASEIK, "M3", 3, 50),
        # M4: written 90, oral 49 (< 50 %) -> failed although the total 139 >= 120.
        res(MAASEIK, "M4", 2, 90),
        res(MAASEIK, "M4", 3, 49),
        # M5: written 80, absent at the oral -> absent, not failed.
        res(MAASEIK, "M5", 2, 80),
        res(MAASEIK, "M5", 3, outcome="absent"),
    ]
    d = run(maaseik_steps(), rows, maaseik_procedure())
    assert outcomes(d, MAASEIK, 2) == dict.fromkeys(["M1", "M2", "M3", "M4", "M5"], "passed")
    assert outcomes(d, MAASEIK, 3) == {
        "M1": "failed",
        "M2": "passed",
        "M3": "passed",
        "M4": "failed",
        "M5": "absent",
    }
    assert state(d, MAASEIK, 3) == counts("held", 5, passed=2, failed=2, absent=1)
    assert problems(d) == []


def test_maaseik_written_49_fails_step_2_and_cannot_reach_the_oral() -> None:
    # W1 written 49/100 = 49 % < 50 % -> failed at step 2; an oral result of 95 for W1 is a
    # row for a step W1 could not reach -> unreachable_step (W1 leaves at step 2).
    # W2: 80 + 70 = 150/200 = 75 % -> passed.
    rows = [
        *passes(MAASEIK, 1, ["W1", "W2"]),
        res(MAASEIK, "W1", 2, 49),
        res(MAASEIK, "W1", 3, 95),
        res(MAASEIK, "W2", 2, 80),
        res(MAASEIK, "W2", 3, 70),
    ]
    d = run(maaseik_steps(), rows, maaseik_procedure())
    assert outcomes(d, MAASEIK, 2) == {"W1": "failed", "W2": "passed"}
    assert state(d, MAASEIK, 2) == counts("held", 2, passed=1, failed=1)
    assert outcomes(d, MAASEIK, 3)["W2"] == "passed"
    assert problems(d, MAASEIK) == [("W1", 3, "unreachable_step")]


def test_maaseik_written_49_without_oral_row() -> None:
    # The normal case: W1 fails the written test and has no oral row; the oral counts
    # only W2 (80 + 70 = 150 >= 120 -> passed).
    rows = [
        *passes(MAASEIK, 1, ["W1", "W2"]),
        res(MAASEIK, "W1", 2, 49),
        res(MAASEIK, "W2", 2, 80),
        res(MAASEIK, "W2", 3, 70),
    ]
    d = run(maaseik_steps(), rows, maaseik_procedure())
    assert state(d, MAASEIK, 2) == counts("held", 2, passed=1, failed=1)
    assert state(d, MAASEIK, 3) == counts("held", 1, passed=1)
    assert problems(d) == []


# =========================================================================================
# Opgroeien req16131: "Deze voorselectie is eliminerend. Om door te gaan naar de volgende
# selectieronde moet je minstens 50% behalen op het geheel van de criteria."
# =========================================================================================


def test_opgroeien_phone_prescreening_eliminates_at_50_percent() -> None:
    # Max 100, 50 %: 50 -> passed (exactly 50 %), 49.5 -> failed, 80 -> passed.
    # Not registered for the call (O4) is its own outcome.
    rows = [
        *passes(OPGROEIEN, 1, ["O1", "O2", "O3", "O4"]),
        res(OPGROEIEN, "O1", 2, 50),
        res(OPGROEIEN, "O2", 2, 49.5),
        res(OPGROEIEN, "O3", 2, 80),
        res(OPGROEIEN, "O4", 2, outcome="not_registered"),
    ]
    d = run(opgroeien_steps(), rows, opgroeien_procedure())
    assert outcomes(d, OPGROEIEN, 2) == {
        "O1": "passed",
        "O2": "failed",
        "O3": "passed",
        "O4": "not_registered",
    }
    assert state(d, OPGROEIEN, 2) == counts("held", 4, passed=2, failed=1, not_registered=1)
    # Rounds 2 and 3 not yet run -> pending, no reserve yet.
    assert state(d, OPGROEIEN, 3) == counts("pending", 0)
    assert state(d, OPGROEIEN, 4) == counts("pending", 0)
    assert laureates(d, OPGROEIEN) == {}


def test_opgroeien_pass_fail_rounds_take_the_given_outcome() -> None:
    # Round 2 (competency) and round 3 (jury) are pass/fail: the given outcome stands.
    # O1: passes all; O2: fails competency; O3: passes competency, withdraws before the jury.
    cands = ["O1", "O2", "O3"]
    rows = (
        passes(OPGROEIEN, 1, cands)
        + [res(OPGROEIEN, c, 2, s) for c, s in zip(cands, [70, 60, 90], strict=True)]
        + [
            res(OPGROEIEN, "O1", 3, outcome="passed"),
            res(OPGROEIEN, "O2", 3, outcome="failed"),
            res(OPGROEIEN, "O3", 3, outcome="passed"),
            res(OPGROEIEN, "O1", 4, outcome="passed"),
            res(OPGROEIEN, "O3", 4, outcome="withdrawn"),
        ]
    )
    d = run(opgroeien_steps(), rows, opgroeien_procedure())
    assert state(d, OPGROEIEN, 3) == counts("held", 3, passed=2, failed=1)
    assert state(d, OPGROEIEN, 4) == counts("held", 2, passed=1, withdrawn=1)
    assert outcomes(d, OPGROEIEN, 4) == {"O1": "passed", "O3": "withdrawn"}
    assert problems(d) == []


# =========================================================================================
# Rules that hold for all.
# =========================================================================================


def test_absent_withdrawn_not_registered_are_kept_apart_from_failed() -> None:
    # POD MI MCQ (pass mark 50/100) with one candidate of each kind:
    #   G1 80 passed, G2 50 passed, G3 49 failed, G4 absent, G5 withdrawn, G6 not_registered.
    # 6 reached = 2 passed + 1 failed + 1 absent + 1 withdrawn + 1 not_registered.
    cands = ["G1", "G2", "G3", "G4", "G5", "G6"]
    rows = [
        *passes(POD_MI, 1, cands),
        res(POD_MI, "G1", 2, 80),
        res(POD_MI, "G2", 2, 50),
        res(POD_MI, "G3", 2, 49),
        res(POD_MI, "G4", 2, outcome="absent"),
        res(POD_MI, "G5", 2, outcome="withdrawn"),
        res(POD_MI, "G6", 2, outcome="not_registered"),
    ]
    d = run(pod_mi_steps(), rows, pod_mi_procedure())
    assert state(d, POD_MI, 2) == counts(
        "held", 6, passed=2, failed=1, absent=1, withdrawn=1, not_registered=1
    )
    assert outcomes(d, POD_MI, 2) == {
        "G1": "passed",
        "G2": "passed",
        "G3": "failed",
        "G4": "absent",
        "G5": "withdrawn",
        "G6": "not_registered",
    }


def test_absent_withdrawn_not_registered_leave_the_procedure() -> None:
    # Same as above; G4, G5, G6 all have step-3 rows they could not reach.
    rows = [
        *passes(POD_MI, 1, ["G1", "G4", "G5", "G6"]),
        res(POD_MI, "G1", 2, 80),
        res(POD_MI, "G4", 2, outcome="absent"),
        res(POD_MI, "G5", 2, outcome="withdrawn"),
        res(POD_MI, "G6", 2, outcome="not_registered"),
        *passes(POD_MI, 3, ["G1", "G4", "G5", "G6"]),
    ]
    d = run(pod_mi_steps(), rows, pod_mi_procedure())
    assert problems(d, POD_MI) == [
        ("G4", 3, "unreachable_step"),
        ("G5", 3, "unreachable_step"),
        ("G6", 3, "unreachable_step"),
    ]


def test_given_outcome_contradicting_the_score_is_reported_and_the_rules_win() -> None:
    # Belnet step 4, pass mark 55/110, 6 remain (step 3 not held):
    #   K1 60 given 'failed'  -> rules: 60 >= 55 passed; contradiction.
    #   K2 40 given 'passed'  -> rules: 40 < 55 failed; contradiction.
    #   K3 55 given 'passed'  -> rules agree (55 >= 55): no problem.
    #   K4 70 given 'absent'  -> a score means the candidate sat the test: passed; contradiction.
    #   K5 54 given 'failed'  -> agree.
    #   K6 no score, 'absent' -> stands.
    cands = ["K1", "K2", "K3", "K4", "K5", "K6"]
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [
            res(BELNET, "K1", 4, 60, "failed"),
            res(BELNET, "K2", 4, 40, "passed"),
            res(BELNET, "K3", 4, 55, "passed"),
            res(BELNET, "K4", 4, 70, "absent"),
            res(BELNET, "K5", 4, 54, "failed"),
            res(BELNET, "K6", 4, outcome="absent"),
        ]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert outcomes(d, BELNET, 4) == {
        "K1": "passed",
        "K2": "failed",
        "K3": "passed",
        "K4": "passed",
        "K5": "failed",
        "K6": "absent",
    }
    assert problems(d, BELNET) == [
        ("K1", 4, "outcome_contradicts_rules"),
        ("K2", 4, "outcome_contradicts_rules"),
        ("K4", 4, "outcome_contradicts_rules"),
    ]
    # Counted with the rules' outcome: 3 passed (K1, K3, K4), 2 failed (K2, K5), 1 absent.
    assert state(d, BELNET, 4) == counts("held", 6, passed=3, failed=2, absent=1)


def test_row_without_score_or_outcome_is_no_outcome() -> None:
    # Belnet step 1 is pass/fail: N1 has neither score nor outcome -> no_outcome.
    # POD MI step 2 is scored: N2 has neither -> no_outcome too.
    rows = [*passes(BELNET, 1, ["Y1"]), res(BELNET, "N1", 1)]
    rows += [*passes(POD_MI, 1, ["N2"]), res(POD_MI, "N2", 2)]
    steps = steps_frame(*belnet_steps().to_dicts(), *pod_mi_steps().to_dicts())
    procs = procedures_frame((BELNET, 6, True), (POD_MI, 50, True))
    d = run(steps, rows, procs, funnel=False)
    assert outcomes(d, BELNET, 1) == {"Y1": "passed", "N1": None}
    assert outcomes(d, POD_MI, 2) == {"N2": None}
    assert problems(d, BELNET) == [("N1", 1, "no_outcome")]
    assert problems(d, POD_MI) == [("N2", 2, "no_outcome")]


def test_funnel_identity_holds_with_a_no_outcome_row() -> None:
    # Belnet step 1: Y1 passed, N1 without score or outcome. Whatever is done with N1
    # (not counted, or counted under some outcome), reached must equal the outcome sum.
    rows = [*passes(BELNET, 1, ["Y1"]), res(BELNET, "N1", 1)]
    d = run(belnet_steps(), rows, belnet_procedure(), funnel=False)
    check_funnel(d.step_states)


def test_last_step_without_results_is_pending_and_there_is_no_list() -> None:
    # Maaseik: written test done (2 pass), oral not yet -> step 3 pending, no reserve.
    rows = [*passes(MAASEIK, 1, ["A", "B"]), res(MAASEIK, "A", 2, 80), res(MAASEIK, "B", 2, 70)]
    d = run(maaseik_steps(), rows, maaseik_procedure())
    assert state(d, MAASEIK, 2) == counts("held", 2, passed=2)
    assert state(d, MAASEIK, 3) == counts("pending", 0)
    assert laureates(d, MAASEIK) == {}
    assert d.laureates.height == 0


def test_procedures_derived_together_do_not_influence_each_other() -> None:
    # The Belnet "6 remain" case and the Maaseik "50/60 vs 60/60" case in one call: the
    # expectations worked out for each alone must hold unchanged.
    belnet = (
        passes(BELNET, 1, refs("B", 1, 6))
        + passes(BELNET, 2, refs("B", 1, 6))
        + [res(BELNET, c, 4, 60) for c in refs("B", 1, 6)]
    )
    maaseik = [
        *passes(MAASEIK, 1, ["M1", "M2"]),
        res(MAASEIK, "M1", 2, 50),
        res(MAASEIK, "M1", 3, 60),  # 110/200 = 55 % -> failed
        res(MAASEIK, "M2", 2, 60),
        res(MAASEIK, "M2", 3, 60),  # 120/200 = 60 % -> passed
    ]
    steps = steps_frame(*belnet_steps().to_dicts(), *maaseik_steps().to_dicts())
    procs = procedures_frame((BELNET, 6, True), (MAASEIK, None, True))
    d = run(steps, belnet + maaseik, procs)
    # Belnet: 6 remain -> step 3 not held; six times 60 >= 55 -> 6 passed.
    assert state(d, BELNET, 3) == counts("not_held", 0)
    assert state(d, BELNET, 4) == counts("held", 6, passed=6)
    assert outcomes(d, MAASEIK, 3) == {"M1": "failed", "M2": "passed"}
    # Maaseik has no step 4: no state row for it.
    assert d.step_states.filter(d.step_states["procedure_code"] == MAASEIK).height == 3
    assert problems(d) == []


def test_steps_nobody_reached_are_not_held_and_there_is_no_list() -> None:
    # Belnet: the 3 applicants all fail the diploma screening. Nobody is left for steps
    # 2-4, so they were not held (not "pending": the procedure is over), and no list.
    rows = [res(BELNET, c, 1, outcome="failed") for c in ("X1", "X2", "X3")]
    d = run(belnet_steps(), rows, belnet_procedure())
    assert state(d, BELNET, 1) == counts("held", 3, failed=3)
    for step in (2, 3, 4):
        assert state(d, BELNET, step) == counts("not_held", 0)
    assert laureates(d, BELNET) == {}
