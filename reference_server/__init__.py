"""The provider's reference server: voucher intake, threshold, review, reports, appeals,
transparency figures and the audit log."""
