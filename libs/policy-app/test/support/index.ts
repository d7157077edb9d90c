/** Test support of the policy application, for the suites of the apps that run it (`@lib/policy-app/testing`). */
export { issuePolicyBody, money, MODAL_PREMIUM } from './fixtures';
export { getReport, seedReportScenario, waitUntilCaughtUp } from './report-scenario';
export { bearer, makeDataDir, removeDataDir, startTestApi, type TestApi } from './test-api';
