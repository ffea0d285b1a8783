// Imported first by app.ts, so that CloudFormation's validation engine starts (in its own process)
// before the app's modules load, which takes about a second. The CDK CLI passes the assembly
// directory in CDK_OUTDIR; without it the App synthesizes into a new temporary directory.
import { startTemplateValidationEngine } from '../lib/shared/validation-engine';

startTemplateValidationEngine(process.env.CDK_OUTDIR);
