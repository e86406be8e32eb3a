// Command line of the synthetic checkpoint maker; filled in by the synthetic-checkpoint work.
return 0;
