/** The nonconformance routes of the quality API function (issue 15, docs/quality.md "Nonconformances"). */
import { PERMISSIONS } from '../../domain/roles.ts';
import * as nc from '../nonconformance-schemas.ts';
import { define } from '../route-def.ts';
import * as s from '../schemas.ts';
import * as sig from '../signature-schemas.ts';

export const routes = define({
  reportNonconformance: {
    method: 'POST',
    path: '/v1/nonconformances',
    summary:
      'Open a nonconformance on an order (at an operation), a lot or a serial: it holds what it names in the same transaction (an order by a quality hold). Numbered NC-{YYYY}-{SEQ:5}. Honours Idempotency-Key.',
    tag: 'Nonconformances',
    roles: PERMISSIONS.reportNonconformance,
    body: nc.ReportNonconformanceSchema,
    response: nc.NonconformanceSchema,
    successStatus: 201,
    handler: 'nonconformances/report-nonconformance',
    fn: 'quality',
    table: 'write',
    idempotent: true,
  },
  listNonconformances: {
    method: 'GET',
    path: '/v1/nonconformances',
    summary: 'List nonconformances, of one status or all, newest first',
    tag: 'Nonconformances',
    roles: PERMISSIONS.read,
    query: nc.ListNonconformancesQuerySchema,
    response: s.page(nc.NonconformanceSchema),
    successStatus: 200,
    handler: 'nonconformances/list-nonconformances',
    fn: 'quality',
    table: 'read',
  },
  getNonconformance: {
    method: 'GET',
    path: '/v1/nonconformances/{id}',
    summary: 'Read a nonconformance with its audit trail',
    tag: 'Nonconformances',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: nc.NonconformanceDetailSchema,
    successStatus: 200,
    handler: 'nonconformances/get-nonconformance',
    fn: 'quality',
    table: 'read',
  },
  dispositionNonconformance: {
    method: 'POST',
    path: '/v1/nonconformances/{id}/disposition',
    summary:
      'Decide a disposition (scrap, rework, use-as-is, return-to-supplier) in one transaction with its effects and the lifting of the holds; a use-as-is decision closes only when a second, different person approves it ({ "approve": true }).',
    tag: 'Nonconformances',
    roles: PERMISSIONS.dispositionNonconformance,
    params: s.IdParamsSchema,
    body: nc.DispositionNonconformanceSchema,
    response: nc.NonconformanceSchema,
    successStatus: 200,
    handler: 'nonconformances/disposition-nonconformance',
    fn: 'quality',
    table: 'write',
    ifMatch: true,
  },
  signNonconformance: {
    method: 'POST',
    path: '/v1/nonconformances/{id}/signatures',
    summary:
      "Sign a use-as-is decision as its second person (21 CFR Part 11): your user id and password re-entered and the signature's meaning. The signature that completes the plant's policy ('nonconformance.use-as-is', default: approval by quality) approves the decision in the same transaction. Wrong credentials: 401 signature-refused; three within 15 minutes lock signing for 30 minutes: 423 signing-locked.",
    tag: 'Nonconformances',
    roles: PERMISSIONS.dispositionNonconformance,
    params: s.IdParamsSchema,
    body: sig.SignRequestSchema,
    response: sig.SignatureSchema,
    successStatus: 201,
    handler: 'nonconformances/sign-nonconformance',
    fn: 'quality',
    table: 'write',
  },
  listNonconformanceSignatures: {
    method: 'GET',
    path: '/v1/nonconformances/{id}/signatures',
    summary: "A nonconformance's electronic signatures, each valid only while the decision it signed is unchanged, and what its policy still needs",
    tag: 'Nonconformances',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: sig.SignaturesSchema,
    successStatus: 200,
    handler: 'nonconformances/list-nonconformance-signatures',
    fn: 'quality',
    table: 'read',
  },
});
