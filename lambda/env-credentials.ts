/**
 * Bundle-time stand-in for @aws-sdk/credential-provider-node in the Lambda bundle only (see
 * scripts/bundle.ts). Lambda always hands the function's role credentials over in environment
 * variables, so the SDK's full chain (SSO, ini files, IMDS, STS web identity: ~90 KB minified and
 * their require time) can never be reached there; the environment provider is all that runs.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
