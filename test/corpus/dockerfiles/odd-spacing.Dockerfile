FROM    	python:3.12-slim    AS	 base   
	RUN pip install flask
  FROM	base   AS   app
COPY   --from=base   /usr /usr
	from	 nginx:1.25.4-alpine
