"""Watch lists of private parties (DDTC-style lists, the Consolidated Screening List, sanctions data)."""
