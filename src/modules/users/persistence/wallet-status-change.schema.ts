import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A wallet status change under way: written before change `version` of the user's wallet is claimed
 * by its event, removed once the user document shows it (or once it is clear it was never claimed).
 * `_id` is the change's event key (`<user_id>:wallet-status:<version>`). The recovery sweep completes
 * the changes whose marker is old: a crash between the claim and the user write.
 */
@Schema({ collection: 'wallet_status_changes', versionKey: false, _id: false })
export class WalletStatusChangeDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) user_id!: string;
  @Prop({ required: true }) version!: number;
  @Prop({ type: Date, required: true }) created_at!: Date;
}

export const WalletStatusChangeSchema = SchemaFactory.createForClass(WalletStatusChangeDocument);
