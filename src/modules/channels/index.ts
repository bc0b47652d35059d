export { ChannelsModule } from './channels.module';
export { ReceiveInboundMessageUseCase } from './application/receive-inbound-message.use-case';
