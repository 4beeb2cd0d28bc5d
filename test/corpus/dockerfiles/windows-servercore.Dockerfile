# escape=`

FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile C:\tool.zip ; `
    Expand-Archive C:\tool.zip -DestinationPath C:\tool ; `
    Remove-Item C:\tool.zip

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --from=build C:\tool C:\tool
ENTRYPOINT ["C:\\tool\\tool.exe"]
