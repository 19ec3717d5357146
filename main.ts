/** cdktf entry point (`npm run synth`): read the configuration, create the stacks, synthesize. */
import { App } from 'cdktf';
import { DeploymentConfigError, loadConfig } from './config/load';
import { buildApp } from './stacks/app';

function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof DeploymentConfigError)) throw err;
    // The message already names each field and what it accepts; a stack trace would only bury it.
    console.error(err.message);
    process.exit(1);
  }
  const app = new App();
  buildApp(app, config);
  app.synth();
}

main();
