"""Where the queue is: the job policy, its backends, the worker loop and the task contract."""
