FROM composer:2.7 AS vendor
WORKDIR /app
COPY composer.json composer.lock ./
RUN composer install --no-dev --no-scripts --prefer-dist

FROM php:8.3-fpm-alpine
RUN --mount=type=bind,from=mlocati/php-extension-installer:2.2,source=/usr/bin/install-php-extensions,target=/usr/local/bin/install-php-extensions \
    install-php-extensions pdo_pgsql opcache
COPY --from=vendor /app/vendor /var/www/vendor
COPY --from=composer:2.7 /usr/bin/composer /usr/bin/composer
