using Bert.Cli;

return await BertCli.RunAsync(args);
