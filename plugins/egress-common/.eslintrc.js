module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // The Istio agreement integration test starts a real local cluster through
    // the testenv tool (a node-library). That import is test-only and never
    // reaches the published common library, which is what this rule guards.
    '@backstage/no-mixed-plugin-imports': [
      'warn',
      { excludedTargetPackages: ['@backstage-egress/testenv'] },
    ],
  },
});
