# Multi-stage build. The publish command is the one test.sh runs in CI.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The default configuration; mount your own folder over /app/config.
COPY config/ /app/config/
# Production: config/gateway.Development.json (the demo keys) is not loaded, and a demo key configured any other
# way stops start-up. For the demo, run with -e ASPNETCORE_ENVIRONMENT=Development.
ENV ASPNETCORE_URLS=http://+:8080 \
    GATEWAY_CONFIG_DIR=/app/config \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080
VOLUME ["/app/config"]
# The aspnet image's built-in non-root user.
USER $APP_UID
# The runtime image has no curl: the gateway asks its own /health/live (on ASPNETCORE_URLS) and exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["dotnet", "Gateway.dll", "healthcheck", "--timeout", "3"]
ENTRYPOINT ["dotnet", "Gateway.dll"]
