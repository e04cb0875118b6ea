/**
 * The wire contract of qualifications (issue 18; docs/qualifications.md).
 */
export { QualificationOverrideSchema } from './schemas.ts';
