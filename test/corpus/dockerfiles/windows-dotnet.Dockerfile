# escape=`
# The escape character above lets Windows paths keep their backslashes.
ARG BASE=mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022
FROM ${BASE} `
    AS sdk
WORKDIR C:\src
COPY . .
RUN dotnet publish -c Release -o C:\out

FROM `
    # runtime image
    mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022
COPY --from=sdk C:\out C:\app
