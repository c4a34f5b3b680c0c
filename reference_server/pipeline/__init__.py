"""The provider's pipeline, one module per step. Lifecycle of a safety voucher::

    SignedRequest(UploadVoucherRequest)
        │
        ▼
    1 intake.receive_voucher        validate; VoucherId check; outer step; voucher record +
        │                           receipt + audit entry + recovery-job count commit in ONE
        │                           transaction (non-match: receipt only, 30-day TTL)
        ▼   after the response, or any worker's poll (recovery_jobs.run_recovery_jobs)
    2 threshold.run_threshold       recover per account; below t: nothing recovered or logged
        │ past t, each real match not yet handled
        ▼
    3 confirmation.confirm_match    full perceptual hash vs hash-set entries, PDQ Hamming <= 31
        │                           otherwise: "collision_dropped" (logged), stop
        ▼
    4 review.decide                 a human decides (derivative viewed? notes, urgency)
        │ confirmed                 not confirmed: stop (logged)
        ▼
    5 reporting.create_report       signed Report delivered to the authority; account
        │                           suspended (recorded); user notified (deferral configurable)
        │                           authority: forwarded | manifestly unfounded (+ reason)
        ▼
    6 appeals.file_appeal           re-review by a DIFFERENT reviewer (review.decide)
        │                           upheld: report retracted, false-positive opinion,
        │                           reinstated unless another report on the account stands
        ▼
    7 transparency                  figures = per-day tallies of audit-log entries
    8 retention.run_retention       TTL per table; deletions logged

Every step writes its audit entry in the same transaction as its effect.
"""
