// The longest value each text of a case may hold: the form's maxlength, so a paste gone wrong
// stops at the field instead of at Save. These are the core's limits (src/case.rs, LIMITS);
// tests/limits.rs fails when the two differ.
export const LIMITS = {
  "applicant.name": 150,
  "applicant.uscc": 32,
  "applicant.legal_rep": 50,
  "applicant.legal_rep_id_number": 32,
  "applicant.id_number": 32,
  "applicant.phone": 32,
  "handler.name": 50,
  "handler.id_number": 32,
  "handler.phone": 32,
  "signature.name": 32,
  "signature.owner": 150,
  "signature.owner_uscc": 32,
  "templates.text": 1000,
  "templates.name": 30,
  "templates.variable": 25,
  "templates.example": 100,
  "landing.name": 100,
  "landing.domain": 253,
  "landing.icp_number": 64,
  "landing.scenario": 500,
  "landing.test_account": 200,
  "landing.operator": 150,
  "landing.store_url": 500,
} as const;

export type LimitedField = keyof typeof LIMITS;

/** The longest rejection reason kept (submission::MAX_REASON_CHARS). */
export const MAX_REASON_CHARS = 2000;

/** The longest team store address accepted (store::MAX_URL_CHARS). */
export const MAX_URL_CHARS = 2000;
