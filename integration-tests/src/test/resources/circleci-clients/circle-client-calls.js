// Calls Runway's API v2 through the circle-client package (npm) as its users do: only the base URL and the token
// differ from a call to CircleCI. One call per run: node circle-client-calls.js COMMAND [ARGS...]; its answer is
// printed as JSON. The token comes from the environment, never from the command line.
const path = require('path');
const CircleCI = require(path.join(process.env.CLIENT_DIR, 'node_modules', 'circle-client')).default;
CircleCI.baseUrl = process.env.RUNWAY_URL + '/api/v2';
const client = new CircleCI(process.env.RUNWAY_TOKEN, process.env.PROJECT_SLUG);
const [command, ...args] = process.argv.slice(2);
const calls = {
  trigger: () => client.triggerProjectPipeline({ branch: args[0] }),
  pipelines: () => client.listProjectPipelines(),
  mine: () => client.listOwnProjectPipelines(),
  config: () => client.getPipelineConfig(args[0]),
  project: () => client.getProject(),
  me: () => client.getMe(),
  pipeline: () => client.getPipeline(args[0]),
  pipelineByNumber: () => client.getProjectPipeline(args[0]),
  workflows: () => client.listPipelineWorkflows(args[0]),
  workflow: () => client.getWorkflow(args[0]),
  jobs: () => client.listWorkflowJobs(args[0]),
  job: () => client.getJob(args[0]),
  approve: () => client.approveWorkflowJob(args[0], args[1]),
  cancel: () => client.cancelWorkflow(args[0]),
  rerunFromFailed: () => client.rerunWorkflow(args[0], { fromFailed: true }),
};
if (!calls[command]) {
  process.stderr.write(`unknown call ${command}; calls: ${Object.keys(calls).join(', ')}\n`);
  process.exit(2);
}
calls[command]().then(
  (result) => process.stdout.write(JSON.stringify(result === undefined ? null : result)),
  (error) => {
    process.stderr.write(`${error.name}: ${error.message} (HTTP ${error.status})\n`);
    process.exit(1);
  });
