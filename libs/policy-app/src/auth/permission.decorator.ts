import { SetMetadata } from '@nestjs/common';
import type { Permission } from './roles';

export const PERMISSION_METADATA = 'policy-api:permission';
export const PUBLIC_ROUTE = 'public';

/** The permission a route requires; routes without it are denied (secure by default). */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(PERMISSION_METADATA, permission);

/** A route without authentication (only /health). */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PERMISSION_METADATA, PUBLIC_ROUTE);
