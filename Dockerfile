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
ENV ASPNETCORE_URLS=http://+:8080 \
    GATEWAY_CONFIG_DIR=/app/config
EXPOSE 8080
VOLUME ["/app/config"]
# The aspnet image's built-in non-root user.
USER $APP_UID
ENTRYPOINT ["dotnet", "Gateway.dll"]
