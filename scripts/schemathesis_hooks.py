"""Schemathesis hooks for scripts/schemathesis.sh.

Generated data mostly fails the server's own checks (an ID number is 12 digits
of a real province, a procedure code is one in the catalog…), so on its own
the run rarely reaches a success answer, whose body the schema must describe
too. These hooks turn about half the generated bodies and path parameters of
some operations into realistic ones, chosen from the generated value itself
so the run stays reproducible under its seed. The other half is left as
generated, so odd input is still sent.
"""

import hashlib
import json

import schemathesis

# Procedures of the sample catalog: free ones, a per-copy fee, a flat fee.
PROCEDURES = ["1.001193", "1.000656", "1.000894", "2.000635", "1.004873"]
PAPER_DOSSIERS = {
    "1.001193": ["to-khai", "giay-chung-sinh"],
    "1.000656": ["to-khai", "giay-bao-tu"],
    "1.000894": ["to-khai"],
}
PROVINCES = ["001", "031", "048", "079", "092"]


def _pick(value, salt=""):
    """A number from the generated value, stable for the same value."""
    text = json.dumps(value, sort_keys=True, default=str) + salt
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def _id_number(n):
    return f"{PROVINCES[n % len(PROVINCES)]}{n % 4}{(n // 7) % 100:02d}{(n // 11) % 1000000:06d}"


def _applicant(n):
    return {
        "full_name": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Chi"][n % 3],
        "id_number": _id_number(n),
        "date_of_birth": f"{1950 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "address": f"Số {1 + n % 200}, đường Lê Lợi, Hà Nội",
        "phone": None if n % 2 else f"09{n % 100000000:08d}",
    }


def _op(ctx):
    op = getattr(ctx, "operation", None)
    if op is None:
        return None
    return f"{op.method.upper()} {op.path}"


@schemathesis.hook
def map_body(ctx, body):
    op = _op(ctx)
    if not isinstance(body, dict):
        return body
    n = _pick(body, op or "")
    if n % 2:
        return body
    if op == "POST /v1/dossiers":
        code = list(PAPER_DOSSIERS)[n % len(PAPER_DOSSIERS)]
        return {
            "procedure_code": code,
            "applicant": _applicant(n),
            "components": [
                {"component_id": c, "uploads": [], "on_paper": True}
                for c in PAPER_DOSSIERS[code]
            ],
            "local_reference": f"st-{n % 1000000}",
        }
    if op == "POST /v1/fees/quote":
        return {
            "procedure_code": PROCEDURES[n % len(PROCEDURES)],
            "copies": 1 + n % 5,
        }
    if op == "POST /v1/payments":
        return {
            "procedure_code": ["2.000635", "1.004873"][n % 2],
            "copies": 1 + n % 3,
            "method": ["counter", "vietqr"][(n // 2) % 2],
        }
    if op in ("POST /v1/accounts/otp", "POST /v1/accounts/vouch"):
        a = _applicant(n)
        out = {
            "id_number": a["id_number"],
            "full_name": a["full_name"],
            "date_of_birth": a["date_of_birth"],
            "sex": ["male", "female"][n % 2],
            "address": a["address"],
        }
        if op.endswith("otp"):
            out["phone"] = f"09{n % 100000000:08d}"
        else:
            out["reason"] = "Công dân không có điện thoại"
        return out
    if op == "POST /v1/accounts/lookup":
        return {"id_number": _id_number(n)}
    if op == "POST /v1/uploads":
        return {
            "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
            "size": 1 + n % 100000,
        }
    if op == "POST /v1/kiosks/heartbeat":
        return {
            "step": ["welcome", "scan", "review-1"][n % 3],
            "devices": {
                "camera": "ok",
                "scanner": ["ok", "missing", "failing"][n % 3],
                "printer": "not_configured",
                "backend": "ok",
            },
            "outbox_pending": n % 3,
            "outbox_needs_helper": 0,
            "version": "0.1.0",
        }
    if op == "POST /v1/help-requests":
        return {
            "kiosk_id": "schemathesis",
            "step": "welcome",
            "procedure_code": PROCEDURES[n % len(PROCEDURES)] if n % 3 else None,
        }
    return body


@schemathesis.hook
def map_path_parameters(ctx, params):
    op = _op(ctx)
    if not isinstance(params, dict):
        return params
    n = _pick(params, op or "")
    if n % 2:
        return params
    if op == "GET /v1/procedures/{code}" and "code" in params:
        params["code"] = PROCEDURES[n % len(PROCEDURES)]
    return params


@schemathesis.hook
def map_headers(ctx, headers):
    op = _op(ctx)
    if op not in ("POST /v1/dossiers", "POST /v1/payments"):
        return headers
    headers = dict(headers or {})
    n = _pick(headers, op)
    if n % 4:
        headers["Idempotency-Key"] = f"st-{n % 100000}"
    return headers
