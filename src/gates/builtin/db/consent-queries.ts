/** §3.3.2's query as the spec writes it. */
export const consentSql = `SELECT
    COUNT(*) as total_records,
    COUNT(*) FILTER (WHERE privacy_consent = true) as consented_records,
    COUNT(*) FILTER (WHERE gdpr_compliant = true) as gdpr_compliant
FROM hermes_leads`;

/**
 * consent_at is NOT NULL in the schema (migration 0001: when the consent was given, which GDPR
 * art. 7(1) asks a controller to show), so a row without it is counted. privacy_policy_version is
 * not: it is nullable, since an API client may leave it out.
 */
export const missingConsentAtSql = `SELECT COUNT(*) AS missing_consent_at FROM hermes_leads WHERE consent_at IS NULL`;

/**
 * The first `$1` records lacking any of them, by lead_id and the flags lacked (never an email or
 * a name); `lacking_total` counts them all, before the LIMIT.
 */
export const lackingConsentSql = `SELECT lead_id,
       concat_ws(', ',
         CASE WHEN privacy_consent IS NOT TRUE THEN 'privacy_consent' END,
         CASE WHEN gdpr_compliant IS NOT TRUE THEN 'gdpr_compliant' END,
         CASE WHEN consent_at IS NULL THEN 'consent_at' END) AS lacking,
       count(*) OVER () AS lacking_total
  FROM hermes_leads
 WHERE privacy_consent IS NOT TRUE OR gdpr_compliant IS NOT TRUE OR consent_at IS NULL
 ORDER BY id
 LIMIT $1`;
