"""Terminal table for a ``vouchsafe eval hashing`` report (the JSON is the full record)."""

from __future__ import annotations

from typing import Any


def _pct(x: float) -> str:
    return f"{100.0 * x:6.1f}%"


def format_hashing_report(report: dict[str, Any]) -> str:
    """The per-transform table, the distinct-image collisions and the false-match figures."""
    md = report["match_distance"]
    lines = [
        f"signal type {report['signal_type']}, candidate scheme {report['candidate_scheme']} "
        f"({report['candidates_per_image']} candidates/image, "
        f"{report['keys_per_entry']:.2f} keys/entry, {report['coarse_code_bits']}-bit code), "
        f"{report['images']} images",
        "",
        f"{'transform':<20} {'PSI recall':>10} {f'plain @{md}':>10} {'exact hash':>10} "
        f"{'mean dist':>9}",
    ]
    for row in report["transforms"]:
        lines.append(
            f"{row['transform']:<20} {_pct(row['psi_recall']):>10} "
            f"{_pct(row['baseline_recall']):>10} {_pct(row['exact_hash_rate']):>10} "
            f"{row['mean_distance']:9.1f}"
        )
    d = report["distinct"]
    dof = report["degrees_of_freedom"]
    fmr = report["false_match"]
    acc = fmr["account"]
    lines += [
        "",
        f"distinct images: {d['queries']} queries x {report['images'] - 1} other entries = "
        f"{d['query_entry_pairs']} pairs; candidate collisions: {d['query_entry_collisions']} "
        f"({len(d['colliding_image_pairs'])} image pairs, "
        f"{d['colliding_image_pairs_without_astronomy']} without astronomy); "
        f"plaintext @{md} matches between originals: "
        f"{d['plaintext_matches_between_originals']} of {d['original_pairs']}",
        f"coarse code between distinct originals: mean distance {dof['mean_fraction']:.3f}, "
        f"std {dof['std_fraction']:.3f}, degrees of freedom {dof['dof']:.1f} "
        f"(model q = {fmr['model_q_per_candidate_key']:.2e} per candidate-key pair)",
        "",
        f"per-image false-match probability vs N = {fmr['hash_set_size']:,} entries "
        f"({fmr['per_image_formula']}):",
    ]
    for name, value in fmr["per_image"].items():
        lines.append(f"  {name:<28} {value:.2e}")
    lines += [
        f"account false-flag probability per year: n = {acc['images_per_year']:,} images, "
        f"t = {acc['threshold']}; {acc['formula']}",
    ]
    for name in fmr["per_image"]:
        lines.append(f"  {name:<28} {acc[name]:.2e}")
    if "confirmation" in report:
        from vouchsafe.evaluation.confirmation import format_confirmation

        lines += ["", format_confirmation(report["confirmation"])]
    if report["decode_failures"]:
        lines.append(f"decode failures: {len(report['decode_failures'])}")
    return "\n".join(lines)



def format_budget_table(report: dict[str, Any]) -> str:
    """Per transform the PSI recall at each budget next to PDQ@31; false matches and cost."""
    rows = report["budgets"]
    md = report["match_distance"]
    head = f"{'transform':<20} {f'PDQ@{md}':>7} " + " ".join(
        f"{'K=' + str(r['max_candidates']):>7}" for r in rows
    )
    lines = [f"PSI recall per budget ({report['config']['split']} split)", head]
    for t in report["transforms"]:
        cells = " ".join(f"{100 * r['psi_recall'][t['transform']]:6.1f}%" for r in rows)
        lines.append(f"{t['transform']:<20} {100 * t['baseline_recall']:6.1f}% {cells}")
    lines += ["", f"{'budget':<8} {'scheme':<34} {'P_image model':>13} {'measured/r3':>11} "
              f"{'bytes':>7} {'device ms':>9} {'server ms':>9}"]  # fmt: skip
    for r in rows:
        fmr = r["false_match"]
        cost = r["cost"] or {}
        lines.append(
            f"{r['max_candidates']:<8} {r['candidate_scheme']:<34} "
            f"{fmr['per_image_model']:13.2e} {fmr['per_image_measured_or_rule_of_three']:11.2e} "
            f"{cost.get('voucher_bytes', 0):7d} {cost.get('device_ms_generate_voucher', 0):9.1f} "
            f"{cost.get('server_ms_outer_step', 0):9.1f}"
        )
    for key, what in (("shortened_codes", "all images"),
                      ("shortened_codes_without_astronomy", "without astronomy images")):
        lines += ["", f"model check at shortened codes, {what} (pair collision rate, "
                  "measured/model):"]  # fmt: skip
        for r in rows:
            cells = "  ".join(
                f"{c['bits']}b {c['measured_pair_rate']:.1e}/{c['model_pair_rate']:.1e}"
                for c in r["false_match"][key]
            )
            lines.append(f"  K={r['max_candidates']:<4} {cells}")
    return "\n".join(lines)
