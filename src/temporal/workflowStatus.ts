import { type Client, WorkflowNotFoundError } from '@temporalio/client';

/** Whether the newest run of a workflow ID is still running; one Temporal does not know is not. */
export function workflowIsRunning(temporal: Client): (workflowId: string) => Promise<boolean> {
  return async (workflowId) => {
    try {
      return (await temporal.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
}
