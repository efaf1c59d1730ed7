"""The OpenAPI 3.0 description of the public API, written by hand. The tests check that every
path here resolves to a real view and that every API route is described."""

from __future__ import annotations

from cases import rules
from cases.models import Attachment, CaseKind, CaseStatus

from . import statistics


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


KEY_HEADER = {
    "name": "X-Access-Key",
    "in": "header",
    "required": True,
    "description": "The secret key printed on the receipt (ABCD-EFGH-JKMN-PQRS). Never put it in a URL.",
    "schema": {"type": "string", "example": "ABCD-EFGH-JKMN-PQRS"},
}
REFERENCE = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "example": "HN-2026-000123"},
}
LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "vi (default) or en: the language of labels and messages.",
    "schema": {"type": "string", "enum": ["vi", "en"]},
}
NOT_FOUND = _error("Unknown reference or wrong key (the same answer for both).")
RATE_LIMITED = {
    "description": "Too many requests from this address; see Retry-After.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
    "content": {"application/json": {"schema": _ref("Error")}},
}


UNAVAILABLE = {
    "description": "A dependency (the database) is unavailable; nothing was recorded by this request. "
    "Try again after Retry-After seconds.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
    "content": {"application/json": {"schema": _ref("Error")}},
}
SERVER_ERROR = _error("Unexpected error (JSON, never an HTML page).")


def with_outage_answers(document: dict) -> dict:
    """Every operation may answer 503 (a dependency down) and 500; both are JSON."""
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("503", UNAVAILABLE)
            operation["responses"].setdefault("500", SERVER_ERROR)
    return document


def schema() -> dict:
    kinds = list(CaseKind.values)
    case_statuses = list(CaseStatus.values)
    payload = {
        "type": "object",
        "required": ["kind", "subject", "description", "declaration"],
        "properties": {
            "kind": {
                "type": "string",
                "enum": kinds,
                "description": "anonymous_report has no parties (Art 25).",
            },
            "subject": {"type": "string", "maxLength": rules.max_length("subject")},
            "description": {"type": "string", "maxLength": rules.max_length("description")},
            "contested_act": {
                "type": "string",
                "maxLength": rules.max_length("contested_act"),
                "description": "Required for a complaint: the decision or act complained about.",
            },
            "contested_act_known_on": {
                "type": "string",
                "format": "date",
                "description": (
                    "Required for a complaint; more than "
                    f"{rules.complaint_limitation_days()} days ago (K1; "
                    f"{rules.complaint_limitation_days(discipline=True)} for a discipline complaint, K2) "
                    "needs delay_reason."
                ),
            },
            "delay_reason": {"type": "string", "maxLength": rules.max_length("delay_reason")},
            "discipline": {
                "type": "boolean",
                "default": False,
                "description": "A complaint by a cadre or civil servant against a disciplinary decision "
                "on them (Law on Complaints 2011 Arts 47-58): limits K2 and K6.",
            },
            "dismissal": {
                "type": "boolean",
                "default": False,
                "description": "With discipline: the penalty was dismissal (Art 48).",
            },
            "accused_name": {
                "type": "string",
                "maxLength": rules.max_length("accused_name"),
                "description": "Required (or accused_authority) for a denunciation or an anonymous report.",
            },
            "accused_position": {"type": "string", "maxLength": rules.max_length("accused_position")},
            "accused_authority": {
                "type": "string",
                "description": "An authority code from /api/v1/authorities/.",
            },
            "authority": {
                "type": "string",
                "nullable": True,
                "description": "Authority code; empty or null when unknown (an intake officer routes it).",
            },
            "parties": {"type": "array", "maxItems": 30, "items": _ref("Party")},
            "declaration": {
                "type": "boolean",
                "enum": [True],
                "description": "Truthfulness declaration: must be true.",
            },
            "signature": {
                "type": "string",
                "description": "The full name of the filer (or a representative) typed as a signature.",
            },
            "consent": {
                "type": "boolean",
                "enum": [True],
                "description": "Consent to process personal data: must be true.",
            },
        },
    }
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "Tiếp nhận khiếu nại, tố cáo — public API",
            "version": "1.0.0",
            "description": (
                "File a complaint, denunciation or petition without an account, then follow it with the case "
                "reference and the secret key (header X-Access-Key). Limits: at most "
                f"{rules.MAX_FILES} files, {rules.MAX_FILE_BYTES // (1024 * 1024)} MB each, "
                f"{rules.MAX_TOTAL_BYTES // (1024 * 1024)} MB in total; PDF, JPEG, PNG, DOCX, ODT, "
                "recognised from the file's bytes. Per-IP rate limits on filing "
                "and on key checks answer 429. "
                "Bad input never writes anything. While a dependency (the database) is down every "
                "endpoint answers 503 with a Retry-After header and a JSON body; errors are always JSON."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/": {
                "get": {
                    "summary": "Links to the API's resources",
                    "operationId": "apiRoot",
                    "responses": {
                        "200": {
                            "description": "Links",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/api/v1/schema/": {
                "get": {
                    "summary": "This OpenAPI document",
                    "operationId": "schema",
                    "responses": {
                        "200": {"description": "OpenAPI 3 JSON", "content": {"application/json": {}}}
                    },
                }
            },
            "/api/v1/cases/": {
                "post": {
                    "summary": "File a case",
                    "operationId": "caseCreate",
                    "parameters": [LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _ref("Submission")},
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["payload"],
                                    "properties": {
                                        "payload": {
                                            "type": "string",
                                            "description": "The Submission object as a JSON string.",
                                        },
                                        "files": {
                                            "type": "array",
                                            "items": {"type": "string", "format": "binary"},
                                            "maxItems": rules.MAX_FILES,
                                        },
                                    },
                                },
                                "encoding": {"payload": {"contentType": "application/json"}},
                            },
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Registered. The access key is shown only here: keep it.",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": _ref("Receipt")}},
                            # What a client does next with the receipt (OpenAPI links).
                            "links": {
                                name: {
                                    "operationId": operation,
                                    "parameters": {
                                        "reference": "$response.body#/reference",
                                        "header.X-Access-Key": "$response.body#/access_key",
                                    },
                                }
                                for name, operation in (
                                    ("GetCase", "caseGet"),
                                    ("AddDocuments", "caseDocumentsAdd"),
                                    ("Withdraw", "caseWithdraw"),
                                )
                            },
                        },
                        "400": _error("Invalid fields (errors keyed by field, e.g. parties.0.full_name)."),
                        "413": _error("A file is over 20 MB or all files are over 50 MB."),
                        "415": _error(
                            "A file is not PDF/JPEG/PNG/DOCX/ODT, or the body is not JSON/multipart."
                        ),
                        "429": RATE_LIMITED,
                    },
                }
            },
            "/api/v1/cases/{reference}/": {
                "get": {
                    "summary": "Status, deadlines, timeline and documents of a case",
                    "operationId": "caseGet",
                    "parameters": [REFERENCE, KEY_HEADER, LANGUAGE],
                    "responses": {
                        "200": {
                            "description": "The case",
                            "content": {"application/json": {"schema": _ref("Case")}},
                        },
                        "400": _error("X-Access-Key missing."),
                        "404": NOT_FOUND,
                        "429": RATE_LIMITED,
                    },
                }
            },
            "/api/v1/cases/{reference}/documents/": {
                "post": {
                    "summary": "Add a supplement to an open case: documents, written information, or both",
                    "description": (
                        "At least one of `files` and `note`. Without files the note is recorded as "
                        "additional information (Law on Complaints 2011 Art 12(1); Law on Denunciations "
                        "2018 Art 9(2)(b))."
                    ),
                    "operationId": "caseDocumentsAdd",
                    "parameters": [REFERENCE, KEY_HEADER, LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "files": {
                                            "type": "array",
                                            "items": {"type": "string", "format": "binary"},
                                        },
                                        "note": {
                                            "type": "string",
                                            "maxLength": rules.max_length("supplement_text"),
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Documents added",
                            "content": {"application/json": {"schema": _ref("DocumentsAdded")}},
                            "links": {
                                "GetCaseAfterSupplement": {
                                    "operationId": "caseGet",
                                    "parameters": {
                                        "reference": "$response.body#/reference",
                                        "header.X-Access-Key": "$request.header.X-Access-Key",
                                    },
                                }
                            },
                        },
                        "400": _error("Neither a file nor a note, or an invalid note."),
                        "404": NOT_FOUND,
                        "409": _error("The case is finished."),
                        "413": _error("Too large."),
                        "415": _error("Type not accepted."),
                        "429": RATE_LIMITED,
                    },
                }
            },
            "/api/v1/cases/{reference}/documents/{id}/": {
                "get": {
                    "summary": "Download a document of the case (decisions, notices, your own files)",
                    "operationId": "caseDocumentGet",
                    "parameters": [
                        REFERENCE,
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        KEY_HEADER,
                    ],
                    "responses": {
                        "200": {
                            "description": "The file",
                            "content": {
                                t: {"schema": {"type": "string", "format": "binary"}}
                                for t in rules.ALLOWED_TYPES
                            },
                        },
                        "404": NOT_FOUND,
                        "429": RATE_LIMITED,
                    },
                }
            },
            "/api/v1/cases/{reference}/withdraw/": {
                "post": {
                    "summary": "Withdraw the case (allowed until the decision or conclusion)",
                    "operationId": "caseWithdraw",
                    "parameters": [REFERENCE, KEY_HEADER, LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["confirm"],
                                    "properties": {
                                        "statement": {
                                            "type": "string",
                                            "maxLength": rules.max_length("withdrawal_statement"),
                                        },
                                        "confirm": {"type": "boolean", "enum": [True]},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Withdrawn",
                            "content": {"application/json": {"schema": _ref("Case")}},
                        },
                        "400": _error("confirm missing."),
                        "404": NOT_FOUND,
                        "409": _error("Too late: a decision or conclusion exists."),
                        "429": RATE_LIMITED,
                    },
                }
            },
            "/api/v1/statistics/": {
                "get": {
                    "summary": "Public statistics per authority and period (figures on <10 cases are null)",
                    "operationId": "statistics",
                    "parameters": [
                        {"name": "authority", "in": "query", "schema": {"type": "string"}},
                        {"name": "year", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "quarter",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 4},
                        },
                        LANGUAGE,
                    ],
                    "responses": {
                        "200": {
                            "description": "Statistics",
                            "content": {"application/json": {"schema": _ref("Statistics")}},
                        },
                        "400": _error("Unknown authority or invalid period."),
                    },
                }
            },
            "/api/v1/authorities/": {
                "get": {
                    "summary": "Authority codes for the authority fields",
                    "operationId": "authorities",
                    "parameters": [LANGUAGE],
                    "responses": {
                        "200": {
                            "description": "Authorities",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": _ref("Authority")}}
                            },
                        }
                    },
                }
            },
            "/open311/v2/discovery.json": {
                "get": {
                    "summary": "Open311 discovery",
                    "operationId": "open311Discovery",
                    "responses": {
                        "200": {"description": "Discovery document", "content": {"application/json": {}}}
                    },
                }
            },
            "/open311/v2/services.json": {
                "get": {
                    "summary": "Open311 GeoReport v2 service list",
                    "operationId": "open311Services",
                    "responses": {
                        "200": {
                            "description": "Services",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": _ref("Open311Service")}
                                }
                            },
                        }
                    },
                }
            },
            "/open311/v2/requests.json": {
                "get": {
                    "summary": "Open311 requests (read-only; complaints and "
                    "petitions; no identity, no content)",
                    "operationId": "open311Requests",
                    "parameters": [
                        {"name": "service_request_id", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "service_code",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["complaint", "petition"]},
                        },
                        {
                            "name": "start_date",
                            "in": "query",
                            "schema": {"type": "string", "format": "date-time"},
                        },
                        {
                            "name": "end_date",
                            "in": "query",
                            "schema": {"type": "string", "format": "date-time"},
                        },
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["open", "closed"]},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Requests (at most 1000, newest first; default the last 90 days)",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": _ref("Open311Request")}
                                }
                            },
                            "links": {
                                "FirstRequest": {
                                    "operationId": "open311Request",
                                    "parameters": {
                                        "service_request_id": "$response.body#/0/service_request_id"
                                    },
                                }
                            },
                        },
                        "400": _error("Invalid parameter."),
                    },
                }
            },
            "/open311/v2/requests/{service_request_id}.json": {
                "get": {
                    "summary": "One Open311 request",
                    "operationId": "open311Request",
                    "parameters": [
                        {
                            "name": "service_request_id",
                            "in": "path",
                            "required": True,
                            "description": "The opaque id from the list (not the case reference: public "
                            "numbering never reveals which numbers are denunciations).",
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "A list with the request",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": _ref("Open311Request")}
                                }
                            },
                        },
                        "404": _error("Not found or not public."),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "detail": {"type": "string"},
                        "errors": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
                "Party": {
                    "type": "object",
                    "required": ["full_name"],
                    "properties": {
                        "full_name": {"type": "string", "maxLength": rules.max_length("full_name")},
                        "national_id": {
                            "type": "string",
                            "maxLength": rules.max_length("national_id"),
                            "description": "12-digit citizen ID (9 for old cards) or passport; "
                            "required for a denunciation.",
                        },
                        "address": {
                            "type": "string",
                            "maxLength": rules.max_length("address"),
                            "description": "Required.",
                        },
                        "phone": {
                            "type": "string",
                            "maxLength": rules.max_length("phone"),
                            "description": "A phone or e-mail is required for a denunciation.",
                        },
                        "email": {
                            "type": "string",
                            "format": "email",
                            "maxLength": rules.max_length("email"),
                        },
                        "is_representative": {
                            "type": "boolean",
                            "description": "A group (2+ people) names 1 to "
                            f"{rules.MAX_REPRESENTATIVES} representatives.",
                        },
                    },
                },
                "Submission": {
                    **payload,
                    # A petition that registers as it stands (the stateful fuzz starts from it).
                    "example": {
                        "kind": "petition",
                        "subject": "Kiến nghị sửa đường ngõ 45 phố Hàng Bông",
                        "description": "Mặt đường ngõ 45 bị hỏng nhiều chỗ, đề nghị sửa chữa.",
                        "authority": "HN",
                        "parties": [{"full_name": "Nguyễn Văn An", "address": "45 Hàng Bông, Hà Nội"}],
                        "declaration": True,
                        "signature": "Nguyễn Văn An",
                        "consent": True,
                    },
                },
                "Receipt": {
                    "type": "object",
                    "properties": {
                        "reference": {"type": "string"},
                        "access_key": {"type": "string"},
                        "status": {"type": "string", "enum": case_statuses},
                        "status_label": {"type": "string"},
                        "acceptance_due": {"type": "string", "format": "date", "nullable": True},
                        "acceptance_deadline": {"type": "object", "nullable": True},
                        "received_at": {"type": "string", "format": "date-time"},
                        "attachments": {"type": "array", "items": {"type": "string"}},
                        "case_url": {"type": "string"},
                    },
                },
                "Deadline": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "legal_basis": {"type": "string"},
                        "due_date": {"type": "string", "format": "date"},
                        "original_due_date": {"type": "string", "format": "date", "nullable": True},
                        "state": {"type": "string"},
                        "remaining_days": {"type": "integer", "nullable": True},
                        "remaining": {"type": "string"},
                        "colour": {
                            "type": "string",
                            "enum": ["ok", "soon", "due", "overdue", "paused", "done"],
                        },
                    },
                },
                "TimelineEntry": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "kind": {"type": "string"},
                        "title": {"type": "string"},
                        "actor": {"type": "string"},
                        "details": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"label": {"type": "string"}, "value": {"type": "string"}},
                            },
                        },
                        "document": {"type": "integer", "nullable": True},
                    },
                },
                "Document": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": list(Attachment.Kind.values)},
                        "kind_label": {"type": "string"},
                        "size": {"type": "integer"},
                        "content_type": {"type": "string"},
                        "uploaded_at": {"type": "string", "format": "date-time"},
                        "from_citizen": {"type": "boolean"},
                        "url": {"type": "string"},
                    },
                },
                "DocumentsAdded": {
                    "type": "object",
                    "properties": {
                        "reference": {"type": "string"},
                        "note": {"type": "string"},
                        "documents": {"type": "array", "items": _ref("Document")},
                    },
                },
                "Case": {
                    "type": "object",
                    "properties": {
                        "reference": {"type": "string"},
                        "kind": {"type": "string", "enum": kinds},
                        "kind_label": {"type": "string"},
                        "subject": {"type": "string"},
                        "status": {"type": "string", "enum": case_statuses},
                        "status_label": {"type": "string"},
                        "status_explanation": {"type": "string"},
                        "received_at": {"type": "string", "format": "date-time"},
                        "authority": {
                            "type": "object",
                            "nullable": True,
                            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                        },
                        "acceptance_due": {"type": "string", "format": "date", "nullable": True},
                        "outcome": {"type": "string", "nullable": True},
                        "outcome_label": {"type": "string", "nullable": True},
                        "deadlines": {"type": "array", "items": _ref("Deadline")},
                        "timeline": {"type": "array", "items": _ref("TimelineEntry")},
                        "documents": {"type": "array", "items": _ref("Document")},
                        "can_withdraw": {"type": "boolean"},
                        "can_add_documents": {"type": "boolean"},
                    },
                },
                "StatisticsRow": {
                    "type": "object",
                    "description": "null = suppressed (fewer than min_cases cases); "
                    "names listed in suppressed.",
                    "properties": {
                        "authority": {"type": "string", "nullable": True},
                        "name": {"type": "string"},
                        "received": {"type": "integer", "nullable": True},
                        "accepted": {"type": "integer", "nullable": True},
                        "resolved": {"type": "integer", "nullable": True},
                        "resolved_on_time_pct": {"type": "number", "nullable": True},
                        "median_days_to_resolution": {"type": "number", "nullable": True},
                        "backlog": {
                            "type": "object",
                            "properties": {
                                key: {"type": "integer", "nullable": True}
                                for key, _lo, _hi in statistics.BUCKETS
                            },
                        },
                        "backlog_total": {"type": "integer", "nullable": True},
                        "suppressed": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "Statistics": {
                    "type": "object",
                    "properties": {
                        "authority": {"type": "string", "nullable": True},
                        "year": {"type": "integer"},
                        "quarter": {"type": "integer", "nullable": True},
                        "period_start": {"type": "string", "format": "date"},
                        "period_end": {"type": "string", "format": "date"},
                        "backlog_as_of": {"type": "string", "format": "date"},
                        "min_cases": {"type": "integer"},
                        "rows": {"type": "array", "items": _ref("StatisticsRow")},
                        "total": _ref("StatisticsRow"),
                    },
                },
                "Authority": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "parent": {"type": "string", "nullable": True},
                        "level": {"type": "string"},
                    },
                },
                "Open311Service": {
                    "type": "object",
                    "properties": {
                        "service_code": {"type": "string"},
                        "service_name": {"type": "string"},
                        "description": {"type": "string"},
                        "metadata": {"type": "boolean"},
                        "type": {"type": "string"},
                        "keywords": {"type": "string"},
                        "group": {"type": "string"},
                    },
                },
                "Open311Request": {
                    "type": "object",
                    "properties": {
                        "service_request_id": {"type": "string"},
                        "status": {"type": "string", "enum": ["open", "closed"]},
                        "status_notes": {"type": "string"},
                        "service_name": {"type": "string"},
                        "service_code": {"type": "string"},
                        "agency_responsible": {"type": "string", "nullable": True},
                        "requested_datetime": {"type": "string", "format": "date-time"},
                        "updated_datetime": {"type": "string", "format": "date-time"},
                        "expected_datetime": {"type": "string", "format": "date-time", "nullable": True},
                    },
                },
            }
        },
    }
    return with_outage_answers(document)
