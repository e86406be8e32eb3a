# `bert serve` in a container: multi-stage (SDK builds, ASP.NET runtime runs), non-root.
#   docker build -t bert-serve .
#   docker run -p 8080:8080 -v /path/to/checkpoint:/model:ro bert-serve                  # a mounted folder, read-only
#   docker run -p 8080:8080 -v hf-cache:/cache bert-serve --model org/name               # a hub id, fetched into /cache at start
#   (add -e HF_HUB_OFFLINE=1 to use only what the cache volume already holds; -e HF_TOKEN=... for gated models)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Bert.Cli -c Release -o /app /p:UseAppHost=false

# The Debian-based runtime image ships ICU, which the tokenizer needs (never run it with invariant globalization).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false \
    HF_HOME=/cache/huggingface
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /cache /model && chown app:app /cache
# The non-root user of the .NET images (UID 1654).
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "Bert.Cli.dll", "serve", "--host", "0.0.0.0", "--port", "8080"]
CMD ["--model", "/model"]
