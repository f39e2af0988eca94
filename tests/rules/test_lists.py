"""Lists of laureates and recruitment reserves, worked out by hand from the seed notices.

Belnet: "Er wordt een lijst van maximum 6 geslaagden opgesteld ... Als er voor de toekenning
van de laatste plaats meerdere geslaagden zijn met een gelijk aantal punten, wordt het
maximum aantal geslaagden in hun voordeel verhoogd." POD MI: the same with "maximum 50".
Maaseik: "een rangschikking van de geslaagde kandidaten op basis van hun eindresultaat".
Opgroeien: "wervingsreserve (zonder rangschikking)" and, elsewhere, "(gerangschikt op basis
van de resultaten in de selectieprocedure)": both are supported per procedure.

Ranks are competition ranks ("1, 2, 2, 4"). The final score is the documented choice of
lists.py: the last step's total rule where there is one (Maaseik), else the latest score.
"""

from __future__ import annotations

from .conftest import (
    BELNET,
    MAASEIK,
    OPGROEIEN,
    POD_MI,
    belnet_procedure,
    belnet_steps,
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
    ranks,
    refs,
    res,
    run,
    state,
)

# --- Belnet CNG23032: at most 6 laureates, ties for the last place extend the list -------


def _belnet_eight_at_step_4(step_4_scores: list[float]) -> list[dict]:
    """9 candidates L01..L09 pass steps 1-2 (9 > 6: step 3 held). Written scores /18:
    18, 17, 16, 15, 14, 13, 13, 13, 10 -> places 1..5, then L06-L08 tied 6th, L09 9th.
    First 6 + the tied = L01..L08 go on (8), L09 cut_off. Step 4 gets `step_4_scores`
    for L01..L08 in order."""
    cands = refs("L", 1, 9)
    return (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [
            res(BELNET, c, 3, s)
            for c, s in zip(cands, [18, 17, 16, 15, 14, 13, 13, 13, 10], strict=True)
        ]
        + [res(BELNET, c, 4, s) for c, s in zip(refs("L", 1, 8), step_4_scores, strict=True)]
    )


def test_belnet_tie_for_sixth_place_gives_seven_laureates_and_cuts_the_eighth() -> None:
    # Step 4 (/110, pass 55): 100, 95, 90, 85, 80, 75, 75, 70 -> all >= 55.
    # Places: 1, 2, 3, 4, 5, 6, 6, 8. List max 6 + tie for 6th -> L01..L07 (7 laureates);
    # L08 (8th, 70 >= 55) met the pass mark but is outside the list -> cut_off at step 4.
    d = run(
        belnet_steps(),
        _belnet_eight_at_step_4([100, 95, 90, 85, 80, 75, 75, 70]),
        belnet_procedure(),
    )
    assert state(d, BELNET, 3) == counts("held", 9, passed=8, cut_off=1)
    assert laureates(d, BELNET) == {
        "L01": (100.0, 1),
        "L02": (95.0, 2),
        "L03": (90.0, 3),
        "L04": (85.0, 4),
        "L05": (80.0, 5),
        "L06": (75.0, 6),
        "L07": (75.0, 6),
    }
    assert outcomes(d, BELNET, 4)["L08"] == "cut_off"
    # 8 reached = 7 passed + 1 cut_off.
    assert state(d, BELNET, 4) == counts("held", 8, passed=7, cut_off=1)
    assert problems(d) == []


def test_belnet_no_tie_six_laureates_seventh_cut_off_failer_stays_failed() -> None:
    # Step 4: 100, 95, 90, 85, 80, 75, 74, 54.
    # L08 54 < 55 -> failed (not cut_off). Passers L01..L07 at places 1..7 (no tie):
    # list max 6 -> L01..L06 on the list, L07 (74, 7th) cut_off.
    d = run(
        belnet_steps(),
        _belnet_eight_at_step_4([100, 95, 90, 85, 80, 75, 74, 54]),
        belnet_procedure(),
    )
    assert ranks(d, BELNET) == {"L01": 1, "L02": 2, "L03": 3, "L04": 4, "L05": 5, "L06": 6}
    assert outcomes(d, BELNET, 4) == {
        "L01": "passed",
        "L02": "passed",
        "L03": "passed",
        "L04": "passed",
        "L05": "passed",
        "L06": "passed",
        "L07": "cut_off",
        "L08": "failed",
    }
    assert state(d, BELNET, 4) == counts("held", 8, passed=6, cut_off=1, failed=1)


def test_belnet_six_remain_five_pass_the_interview() -> None:
    # 6 remain after step 2 -> step 3 not held. Step 4: 100, 90, 80, 70, 60 pass, 54 fails.
    # 5 laureates <= 6, ranked by the step-4 score: ranks 1..5.
    cands = refs("B", 1, 6)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 4, s) for c, s in zip(cands, [100, 90, 80, 70, 60, 54], strict=True)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert laureates(d, BELNET) == {
        "B01": (100.0, 1),
        "B02": (90.0, 2),
        "B03": (80.0, 3),
        "B04": (70.0, 4),
        "B05": (60.0, 5),
    }


def test_belnet_absent_at_interview_is_not_a_laureate() -> None:
    # 6 remain; B06 absent at step 4, the others 60 (>= 55) -> 5 laureates all tied at 1.
    cands = refs("B", 1, 6)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 4, 60) for c in refs("B", 1, 5)]
        + [res(BELNET, "B06", 4, outcome="absent")]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert ranks(d, BELNET) == dict.fromkeys(refs("B", 1, 5), 1)
    assert state(d, BELNET, 4) == counts("held", 6, passed=5, absent=1)


def test_belnet_no_list_while_the_interview_is_pending() -> None:
    # Step 3 held (7 remain, all pass, 12 is 7th -> cut_off), step 4 without results:
    # the procedure is still running -> step 4 pending, no laureates.
    cands = refs("B", 1, 7)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 3, s) for c, s in zip(cands, [18, 17, 16, 15, 14, 13, 12], strict=True)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert state(d, BELNET, 4) == counts("pending", 0)
    assert d.laureates.height == 0


def test_belnet_unreachable_interview_row_does_not_enter_the_list() -> None:
    # 7 remain; step 3: 18, 17, 16, 15, 14, 13 -> B01..B06 passed; B07 12 -> cut_off.
    # Step 4: B01..B06 100, 95, 90, 85, 80, 75 -> ranks 1..6 (list max 6 reached exactly).
    # B07 (left the procedure at step 3) has a stray step-4 row of 99: unreachable_step,
    # and it must not take a place: the list stays B01..B06 with ranks 1..6.
    cands = refs("B", 1, 7)
    rows = (
        passes(BELNET, 1, cands)
        + passes(BELNET, 2, cands)
        + [res(BELNET, c, 3, s) for c, s in zip(cands, [18, 17, 16, 15, 14, 13, 12], strict=True)]
        + [
            res(BELNET, c, 4, s)
            for c, s in zip(refs("B", 1, 6), [100, 95, 90, 85, 80, 75], strict=True)
        ]
        + [res(BELNET, "B07", 4, 99)]
    )
    d = run(belnet_steps(), rows, belnet_procedure())
    assert problems(d, BELNET) == [("B07", 4, "unreachable_step")]
    assert ranks(d, BELNET) == {"B01": 1, "B02": 2, "B03": 3, "B04": 4, "B05": 5, "B06": 6}


# --- POD MI CNG24004: at most 50 laureates, ties extend ----------------------------------


def _pod_mi_52_at_interview(interview: dict[str, float]) -> list[dict]:
    """P01..P52 pass steps 1-3 (MCQ 100 - k*0.5 for P01..P49, 75 for P50..P52: P50..P52 tied
    50th, so all 52 go on; nobody else applied). Step 4 scores from `interview`."""
    mcq = {c: 100 - k * 0.5 for k, c in enumerate(refs("P", 1, 49), start=1)}
    mcq |= dict.fromkeys(refs("P", 50, 52), 75.0)
    cands = list(mcq)
    return (
        passes(POD_MI, 1, cands)
        + [res(POD_MI, c, 2, s) for c, s in mcq.items()]
        + passes(POD_MI, 3, cands)
        + [res(POD_MI, c, 4, s) for c, s in interview.items()]
    )


def test_pod_mi_list_of_at_most_50() -> None:
    # Interview /100, pass 50: P_k scores 101 - k -> P01 100 ... P50 51, P51 50, P52 49.
    # P52 49 < 50 -> failed. P51 50 = 50 -> passes but is 51st -> cut_off.
    # P01..P50 on the list with ranks 1..50.
    interview = {c: 101.0 - k for k, c in enumerate(refs("P", 1, 52), start=1)}
    assert interview["P51"] == 50.0 and interview["P52"] == 49.0
    d = run(pod_mi_steps(), _pod_mi_52_at_interview(interview), pod_mi_procedure())
    assert state(d, POD_MI, 3) == counts("held", 52, passed=52)
    assert ranks(d, POD_MI) == {c: k for k, c in enumerate(refs("P", 1, 50), start=1)}
    assert outcomes(d, POD_MI, 4)["P51"] == "cut_off"
    assert outcomes(d, POD_MI, 4)["P52"] == "failed"
    assert state(d, POD_MI, 4) == counts("held", 52, passed=50, cut_off=1, failed=1)


def test_pod_mi_tie_for_fiftieth_place_extends_the_list() -> None:
    # Interview: P01..P49 -> 101 - k (100 .. 52), P50 and P51 -> 51 each, P52 -> 50.
    # Places: 1..49, then P50/P51 both 50th, P52 52nd. List: P01..P51 (51 laureates),
    # P52 (50 = pass mark, 52nd) cut_off.
    interview = {c: 101.0 - k for k, c in enumerate(refs("P", 1, 49), start=1)}
    interview |= {"P50": 51.0, "P51": 51.0, "P52": 50.0}
    d = run(pod_mi_steps(), _pod_mi_52_at_interview(interview), pod_mi_procedure())
    expected = {c: k for k, c in enumerate(refs("P", 1, 49), start=1)} | {"P50": 50, "P51": 50}
    assert ranks(d, POD_MI) == expected
    assert len(expected) == 51
    assert outcomes(d, POD_MI, 4)["P52"] == "cut_off"
    assert state(d, POD_MI, 4) == counts("held", 52, passed=51, cut_off=1)


# --- Stad Maaseik: ranked on the final result (written + oral) ---------------------------


def test_maaseik_ranked_on_written_plus_oral_with_shared_ranks() -> None:
    # Totals /200 (>= 120 needed, >= 50 on each):
    #   R1 90 + 90 = 180 -> rank 1
    #   R2 80 + 90 = 170 -> rank 2
    #   R3 90 + 80 = 170 -> rank 2 (tie)
    #   R4 85 + 75 = 160 -> rank 4 (competition ranking: 1, 2, 2, 4)
    #   R5 60 + 60 = 120 -> rank 5 (exactly 60 %)
    #   R6 50 + 60 = 110 -> 55 % < 60 % -> failed, not on the list
    scores = {
        "R1": (90, 90),
        "R2": (80, 90),
        "R3": (90, 80),
        "R4": (85, 75),
        "R5": (60, 60),
        "R6": (50, 60),
    }
    rows = passes(MAASEIK, 1, list(scores))
    for c, (written, oral) in scores.items():
        rows += [res(MAASEIK, c, 2, written), res(MAASEIK, c, 3, oral)]
    d = run(maaseik_steps(), rows, maaseik_procedure())
    assert laureates(d, MAASEIK) == {
        "R1": (180.0, 1),
        "R2": (170.0, 2),
        "R3": (170.0, 2),
        "R4": (160.0, 4),
        "R5": (120.0, 5),
    }
    # No list maximum: nobody is cut.
    assert state(d, MAASEIK, 3) == counts("held", 6, passed=5, failed=1)


def test_maaseik_written_failer_with_oral_row_is_not_on_the_reserve() -> None:
    # W1 written 49 < 50 -> failed at step 2, leaves the procedure; stray oral row 95.
    # W2 80 + 70 = 150 >= 120 -> the only laureate, rank 1.
    rows = [
        *passes(MAASEIK, 1, ["W1", "W2"]),
        res(MAASEIK, "W1", 2, 49),
        res(MAASEIK, "W1", 3, 95),
        res(MAASEIK, "W2", 2, 80),
        res(MAASEIK, "W2", 3, 70),
    ]
    d = run(maaseik_steps(), rows, maaseik_procedure())
    assert problems(d, MAASEIK) == [("W1", 3, "unreachable_step")]
    assert laureates(d, MAASEIK) == {"W2": (150.0, 1)}


# --- Opgroeien req16131: reserve without ranking by default, a ranked variant -------------


def _opgroeien_rows() -> list[dict]:
    # Phone pre-screening /100 (50 %): O1 50 (exactly 50 %), O2 49.5 (failed), O3 80, O4 65,
    # O5 70. Competency (pass/fail): O1, O3, O4, O5 passed. Jury: O1 passed, O3 passed,
    # O4 failed; O5 has no jury result yet (permanently open procedure, own dates).
    # Reserve: O1 and O3.
    cands = ["O1", "O2", "O3", "O4", "O5"]
    return (
        passes(OPGROEIEN, 1, cands)
        + [res(OPGROEIEN, c, 2, s) for c, s in zip(cands, [50, 49.5, 80, 65, 70], strict=True)]
        + passes(OPGROEIEN, 3, ["O1", "O3", "O4", "O5"])
        + [
            res(OPGROEIEN, "O1", 4, outcome="passed"),
            res(OPGROEIEN, "O3", 4, outcome="passed"),
            res(OPGROEIEN, "O4", 4, outcome="failed"),
        ]
    )


def test_opgroeien_reserve_without_ranking() -> None:
    d = run(opgroeien_steps(), _opgroeien_rows(), opgroeien_procedure(ranked=False))
    # Unranked: rank empty. final score = latest score = the pre-screening (50, 80).
    assert laureates(d, OPGROEIEN) == {"O1": (50.0, None), "O3": (80.0, None)}
    assert state(d, OPGROEIEN, 2) == counts("held", 5, passed=4, failed=1)
    assert state(d, OPGROEIEN, 4) == counts("held", 3, passed=2, failed=1)
    assert problems(d) == []


def test_opgroeien_ranked_variant() -> None:
    # Ranked on the results: O3 (80) before O1 (50).
    d = run(opgroeien_steps(), _opgroeien_rows(), opgroeien_procedure(ranked=True))
    assert laureates(d, OPGROEIEN) == {"O3": (80.0, 1), "O1": (50.0, 2)}
